//! Reminders: something due for a customer, waiting in a manager's inbox.

use crate::core::ids::ReminderId;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::notice::format::full_date;
use super::notice::Locale;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::core::fields::text_enum;

text_enum! {
    /// Why the reminder exists.
    pub enum ReminderKind {
        Maintenance => "maintenance",
        FollowUp => "follow_up",
        Agreement => "agreement",
        Manual => "manual",
        /// For administrators: a booked visit whose window passed with no one setting out.
        OverdueVisit => "overdue_visit",
        /// For administrators: work done but not certified after some days.
        NotCertified => "not_certified",
        /// For administrators: the customer asked, through their link, for another time.
        CustomerRequest => "customer_request",
        /// For managers: a customer reported a problem (or asked for their next
        /// service) from the QR sticker on their equipment.
        ServiceRequest => "service_request",
        /// A gauge read outside its band (pressure below 1 bar); repeated
        /// readings out of band fold into the one open alert.
        DeviceAlert => "device_alert",
    }
}

text_enum! {
    /// Where a reminder stands; only open (and snoozed, once due again) ones fill the inbox.
    pub enum ReminderStatus {
        Open => "open",
        Snoozed => "snoozed",
        Dismissed => "dismissed",
        Converted => "converted",
    }
}

/// A reminder as the API returns it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Reminder {
    pub id: ReminderId,
    pub customer_id: String,
    pub customer_name: Option<String>,
    pub kind: ReminderKind,
    pub status: ReminderStatus,
    /// When it is due; the inbox shows the soonest first.
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub equipment_id: Option<String>,
    pub agreement_id: Option<String>,
    /// The order whose closing asked for this follow-up.
    pub work_order_id: Option<String>,
    /// The order opened from this reminder.
    pub converted_work_order_id: Option<String>,
    pub snoozed_until: Option<NaiveDate>,
    pub dismiss_reason: Option<String>,
    /// The maintenance plan that produced it.
    pub plan_id: Option<String>,
    /// The moment a reminder the system raised is about (a visit's planned
    /// start, the time work was done); its `note` is written from it.
    pub about_at: Option<DateTime<Utc>>,
    /// Late already when raised: a meter far past its plan's threshold.
    #[serde(default)]
    pub urgent: bool,
    pub created_at: DateTime<Utc>,
}

impl Reminder {
    /// Writes the note of a reminder the system raised in the reader's zone
    /// and language; what a person wrote is left as written.
    pub fn in_words(mut self, tz: Tz, locale: Locale) -> Self {
        if self.note.is_none() {
            if let Some(at) = self.about_at {
                self.note = system_note(self.kind, at, tz, locale);
            }
        }
        self
    }
}

/// The words for a system reminder about the moment `at`, read in `tz`:
/// "The visit planned for 2 December 2026, 09:00 has not started".
pub fn system_note(
    kind: ReminderKind,
    at: DateTime<Utc>,
    tz: Tz,
    locale: Locale,
) -> Option<String> {
    let local = at.with_timezone(&tz);
    let day = full_date(local.date_naive(), locale);
    let time = local.format("%H:%M");
    Some(match (kind, locale) {
        (ReminderKind::OverdueVisit, Locale::En) => {
            format!("The visit planned for {day}, {time} has not started")
        }
        (ReminderKind::OverdueVisit, Locale::Uk) => {
            format!("Візит, запланований на {day}, {time}, не розпочато")
        }
        (ReminderKind::NotCertified, Locale::En) => {
            format!("Work done on {day} has no certificate yet")
        }
        (ReminderKind::NotCertified, Locale::Uk) => {
            format!("Роботи, виконані {day}, ще не засвідчені актом")
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_in_the_readers_zone_on_both_sides_of_midnight_and_dst() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let kyiv = chrono_tz::Europe::Kyiv;
        let note = |s, l| system_note(ReminderKind::OverdueVisit, at(s), kyiv, l).unwrap();
        // 07:00 UTC is 09:00 in Kyiv in winter (UTC+2)…
        assert_eq!(
            note("2026-12-02T07:00:00Z", Locale::En),
            "The visit planned for 2 December 2026, 09:00 has not started"
        );
        // …and 10:00 in summer (UTC+3), the day after the change.
        assert_eq!(
            note("2026-03-30T07:00:00Z", Locale::Uk),
            "Візит, запланований на 30 березня 2026, 10:00, не розпочато"
        );
        // 22:30 UTC on 30 November is already 1 December in Kyiv.
        assert_eq!(
            system_note(
                ReminderKind::NotCertified,
                at("2026-11-30T22:30:00Z"),
                kyiv,
                Locale::En
            )
            .unwrap(),
            "Work done on 1 December 2026 has no certificate yet"
        );
        assert!(system_note(
            ReminderKind::Manual,
            at("2026-11-30T22:30:00Z"),
            kyiv,
            Locale::En
        )
        .is_none());
    }
}
