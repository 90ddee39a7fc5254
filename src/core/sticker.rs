//! The QR sticker on a piece of equipment: what a customer may send from it,
//! and how often. Anyone standing next to the equipment can scan it, so what
//! it accepts is bounded: a short text, a phone, one photo, a few requests
//! an hour per sticker and per address.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::contact_info::{Phone, PhoneRegion};
use super::notice::Locale;
use super::text::{self, LINE};
use super::ValidationError;

/// Stickers are printed once and stay on the equipment for its life; they
/// are withdrawn by version, not by time. This is as far as a link's 32-bit
/// expiry reaches with room to spare.
pub fn never_expires() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2099, 12, 31, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The most labels one print asks for: ten A4 sheets.
pub const MAX_LABELS: usize = 240;
/// Labels on one A4 sheet: 3 across, 8 down (70 × 37 mm each).
pub const LABELS_PER_SHEET: usize = 24;

/// One label of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub equipment_id: String,
    pub kind: String,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    /// What the QR code holds: the signed `/q/{token}` address.
    pub url: String,
}

/// What a sheet of stickers prints.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The language of the label's few fixed words (the company's).
    pub locale: Locale,
    pub company: String,
    pub phone: Option<String>,
    /// Labels already peeled off the first sheet: printing starts after them.
    pub skip: usize,
    pub labels: Vec<Label>,
}

/// One limit on requests from stickers: at most `limit` per `window` for
/// each key the scope names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub scope: &'static str,
    pub window: Duration,
    pub limit: u32,
}

/// A burst from one sticker, a day's worth from one sticker, and many
/// stickers from one address (someone walking a building's stickers).
pub fn limits() -> [Limit; 3] {
    [
        Limit {
            scope: "sticker",
            window: Duration::hours(1),
            limit: 5,
        },
        Limit {
            scope: "sticker-day",
            window: Duration::days(1),
            limit: 12,
        },
        Limit {
            scope: "request-address",
            window: Duration::hours(1),
            limit: 10,
        },
    ]
}

/// The counter key of each limit for a request from `address` about `equipment_id`.
pub fn limit_keys(equipment_id: &str, address: &str) -> Vec<(String, Limit)> {
    limits()
        .into_iter()
        .map(|l| {
            let who = if l.scope == "request-address" {
                address
            } else {
                equipment_id
            };
            (format!("{}:{who}", l.scope), l)
        })
        .collect()
}

/// What the customer wrote, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub what: String,
    pub callback_phone: Option<String>,
}

/// Checks the form: "what's wrong" is required and at most a paragraph; the
/// phone, when given, is a real number (E.164 after reading it in `region`).
pub fn report(
    what: &str,
    phone: Option<&str>,
    region: PhoneRegion,
) -> Result<Report, ValidationError> {
    let what = text::required("what", what, LINE)?;
    let callback_phone = match phone.map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(Phone::parse("phone", raw, region)?.into_string()),
    };
    Ok(Report {
        what,
        callback_phone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_needs_words_and_a_real_phone() {
        let region: PhoneRegion = "UA".parse().unwrap();
        assert_eq!(report("  ", None, region).unwrap_err().field, "what");
        assert_eq!(
            report(&"x".repeat(LINE + 1), None, region)
                .unwrap_err()
                .field,
            "what"
        );
        assert_eq!(
            report("Leaking", Some("12"), region).unwrap_err().field,
            "phone"
        );
        let ok = report("Leaking under the sink", Some(" "), region).unwrap();
        assert_eq!(ok.callback_phone, None);
        assert_eq!(ok.what, "Leaking under the sink");
    }

    #[test]
    fn limits_count_the_sticker_and_the_address_apart() {
        let keys = limit_keys("e1", "10.0.0.1");
        let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            ["sticker:e1", "sticker-day:e1", "request-address:10.0.0.1"]
        );
    }

    #[test]
    fn a_sticker_is_signed_to_last_within_the_links_reach() {
        let end = never_expires();
        assert!(u32::try_from(end.timestamp()).is_ok());
        assert!(end.timestamp() > Utc::now().timestamp() + 60 * 365 * 86_400);
    }
}
