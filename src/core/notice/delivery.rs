//! When and to whom a message goes: the recipient and channel from the
//! customer's contacts and wishes, quiet hours, and the delay before a retry.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{MessageChannel, MessageKind};
use crate::core::contact::{Channel, ContactFields, ContactRole};

/// Local hours in which SMS wait (unless urgent); may run past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl FromStr for QuietHours {
    type Err = String;

    /// "21:00-08:00".
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a range of local times like 21:00-08:00");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let parse = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (start, end) = (parse(a)?, parse(b)?);
        if start == end {
            return Err(format!(
                "`{s}`: the quiet hours start and end at the same time"
            ));
        }
        Ok(QuietHours { start, end })
    }
}

impl QuietHours {
    /// When a message due at `at` may go out: `at` itself, or the end of the quiet hours it falls in.
    pub fn release_at(self, at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        let local = at.with_timezone(&tz);
        let t = local.time();
        let day = local.date_naive();
        let end_day = if self.start < self.end {
            if t < self.start || t >= self.end {
                return at;
            }
            day
        } else if t >= self.start {
            day + Days::new(1)
        } else if t < self.end {
            day
        } else {
            return at;
        };
        let end = end_day.and_time(self.end);
        // A local time lost to a spring-forward gap is reached an hour later.
        tz.from_local_datetime(&end)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(end + chrono::Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(at)
    }
}

/// Delay before retry number `attempt` (1 after the first failure): exponential
/// from `base`, at most `max`, spread by ±20 % (`jitter` in 0..1) so that many
/// messages failing together do not retry together.
pub fn retry_delay(attempt: u32, base: Duration, max: Duration, jitter: f64) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    exp.min(max).mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0))
}

/// Who receives a message, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Send {
        /// Index into the candidates.
        contact: usize,
        channel: MessageChannel,
        address: String,
    },
    /// Nobody can or wishes to receive it; the reason is shown to the office.
    Suppressed {
        contact: Option<usize>,
        reason: String,
    },
}

/// The order contacts are tried in when no one is named for the visit.
pub fn role_rank(role: Option<ContactRole>) -> u8 {
    match role {
        Some(ContactRole::OnSite) => 0,
        Some(ContactRole::DecisionMaker) => 1,
        Some(ContactRole::Payer) => 2,
        None | Some(ContactRole::Other) => 3,
        Some(ContactRole::Accountant) => 4,
    }
}

/// Picks the first candidate that can be reached for this kind of message, on
/// the channel it prefers when it can, otherwise on the other one.
pub fn route(candidates: &[ContactFields], default: MessageChannel, kind: MessageKind) -> Route {
    choose(candidates, default, kind, false)
}

/// As [`route`], on one channel only: a mass message written for SMS is not
/// sent as an e-mail.
pub fn route_only(
    candidates: &[ContactFields],
    channel: MessageChannel,
    kind: MessageKind,
) -> Route {
    choose(candidates, channel, kind, true)
}

fn choose(
    candidates: &[ContactFields],
    default: MessageChannel,
    kind: MessageKind,
    only_default: bool,
) -> Route {
    let mut first_reason = None;
    for (i, c) in candidates.iter().enumerate() {
        let consent = match kind {
            MessageKind::Service => c.consent_service,
            MessageKind::Marketing => c.consent_marketing,
        };
        if !consent {
            first_reason.get_or_insert((
                i,
                format!("{} does not accept {} messages", c.name, kind.as_str()),
            ));
            continue;
        }
        let preferred = match c.preferred_channel {
            _ if only_default => default,
            Some(Channel::Email) => MessageChannel::Email,
            Some(Channel::Sms | Channel::Phone) => MessageChannel::Sms,
            None => default,
        };
        let other = match preferred {
            MessageChannel::Sms => MessageChannel::Email,
            MessageChannel::Email => MessageChannel::Sms,
        };
        let channels = if only_default {
            &[preferred][..]
        } else {
            &[preferred, other][..]
        };
        for &channel in channels {
            if c.opted_out.contains(&channel) {
                continue;
            }
            let address = match channel {
                MessageChannel::Sms => c.phones.first().cloned(),
                MessageChannel::Email => c.email.clone(),
            };
            if let Some(address) = address {
                return Route::Send {
                    contact: i,
                    channel,
                    address,
                };
            }
        }
        first_reason.get_or_insert((
            i,
            format!(
                "{} has no phone or e-mail that accepts messages (opted out: {})",
                c.name,
                if c.opted_out.is_empty() {
                    "none".to_owned()
                } else {
                    c.opted_out
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        ));
    }
    match first_reason {
        Some((i, reason)) => Route::Suppressed {
            contact: Some(i),
            reason,
        },
        None => Route::Suppressed {
            contact: None,
            reason: "the customer has no contacts".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kyiv() -> Tz {
        "Europe/Kyiv".parse().unwrap()
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // 1 December 2026: Kyiv is UTC+2.
        kyiv()
            .with_ymd_and_hms(2026, 12, 1, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_over_midnight_defer_to_the_morning() {
        let q: QuietHours = "21:00-08:00".parse().unwrap();
        assert_eq!(q.release_at(at(12, 0), kyiv()), at(12, 0));
        assert_eq!(q.release_at(at(20, 59), kyiv()), at(20, 59));
        let next_morning = kyiv()
            .with_ymd_and_hms(2026, 12, 2, 8, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(q.release_at(at(21, 0), kyiv()), next_morning);
        assert_eq!(q.release_at(at(23, 30), kyiv()), next_morning);
        assert_eq!(q.release_at(at(3, 0), kyiv()), at(8, 0));
        assert_eq!(q.release_at(at(8, 0), kyiv()), at(8, 0));
    }

    #[test]
    fn quiet_hours_within_a_day() {
        let q: QuietHours = "13:00-14:00".parse().unwrap();
        assert_eq!(q.release_at(at(13, 30), kyiv()), at(14, 0));
        assert_eq!(q.release_at(at(14, 30), kyiv()), at(14, 30));
        assert!("9-8".parse::<QuietHours>().is_err());
        assert!("08:00-08:00".parse::<QuietHours>().is_err());
    }

    #[test]
    fn retries_back_off_and_stop_growing() {
        let base = Duration::from_secs(30);
        let max = Duration::from_secs(3600);
        assert_eq!(retry_delay(1, base, max, 0.5), Duration::from_secs(30));
        assert_eq!(retry_delay(2, base, max, 0.5), Duration::from_secs(60));
        assert_eq!(retry_delay(3, base, max, 0.5), Duration::from_secs(120));
        assert_eq!(retry_delay(30, base, max, 0.5), max);
        assert_eq!(retry_delay(1, base, max, 0.0), Duration::from_secs(24));
        assert_eq!(retry_delay(1, base, max, 1.0), Duration::from_secs(36));
    }

    fn contact(name: &str, phone: Option<&str>, email: Option<&str>) -> ContactFields {
        serde_json::from_value(serde_json::json!({
            "customer_id": "c", "name": name,
            "phones": phone.into_iter().collect::<Vec<_>>(), "email": email,
        }))
        .unwrap()
    }

    #[test]
    fn the_preferred_channel_wins_and_opt_outs_fall_back() {
        let mut c = contact("Olena", Some("+380671234567"), Some("o@x.ua"));
        let sms = route(&[c.clone()], MessageChannel::Sms, MessageKind::Service);
        assert!(
            matches!(sms, Route::Send { channel: MessageChannel::Sms, ref address, .. } if address == "+380671234567")
        );
        c.preferred_channel = Some(Channel::Email);
        let email = route(&[c.clone()], MessageChannel::Sms, MessageKind::Service);
        assert!(matches!(
            email,
            Route::Send {
                channel: MessageChannel::Email,
                ..
            }
        ));
        c.opted_out = vec![MessageChannel::Email];
        let back = route(&[c.clone()], MessageChannel::Sms, MessageKind::Service);
        assert!(matches!(
            back,
            Route::Send {
                channel: MessageChannel::Sms,
                ..
            }
        ));
        c.opted_out = vec![MessageChannel::Email, MessageChannel::Sms];
        let none = route(&[c], MessageChannel::Sms, MessageKind::Service);
        assert!(
            matches!(none, Route::Suppressed { contact: Some(0), ref reason } if reason.contains("opted out: email, sms"))
        );
    }

    #[test]
    fn consent_is_per_kind_and_the_next_contact_is_tried() {
        let mut refuses = contact("Petro", Some("+380671234567"), None);
        refuses.consent_service = false;
        let ok = contact("Olena", None, Some("o@x.ua"));
        let r = route(
            &[refuses.clone(), ok],
            MessageChannel::Sms,
            MessageKind::Service,
        );
        assert!(matches!(
            r,
            Route::Send {
                contact: 1,
                channel: MessageChannel::Email,
                ..
            }
        ));
        let r = route(&[refuses], MessageChannel::Sms, MessageKind::Marketing);
        assert!(matches!(r, Route::Suppressed { ref reason, .. } if reason.contains("marketing")));
        assert!(matches!(
            route(&[], MessageChannel::Sms, MessageKind::Service),
            Route::Suppressed { contact: None, .. }
        ));
    }
}
