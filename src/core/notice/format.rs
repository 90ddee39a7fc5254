//! Dates and times as a customer reads them, in the company's time zone.
//!
//! SMS words stay in GSM-7 for English (a plain `-`, not an en dash), so a
//! short English message is billed as one part.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

use super::Locale;

const EN_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const UK_DAYS: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "нд"];
/// Month names in the genitive, as a date is said: "15 грудня".
const UK_MONTHS: [&str; 12] = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
];

/// "Tue 15 Dec" / "вт, 15 грудня".
pub fn date(day: NaiveDate, locale: Locale) -> String {
    let weekday = day.weekday().num_days_from_monday() as usize;
    let month = day.month0() as usize;
    match locale {
        Locale::En => format!("{} {} {}", EN_DAYS[weekday], day.day(), EN_MONTHS[month]),
        Locale::Uk => format!("{}, {} {}", UK_DAYS[weekday], day.day(), UK_MONTHS[month]),
    }
}

/// Month names in full, for documents.
const EN_MONTHS_FULL: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as a document states it, always with its year: "2 December 2026" /
/// "2 грудня 2026". A certificate is read years later; "Wed 2 Dec" is not a date then.
pub fn full_date(day: NaiveDate, locale: Locale) -> String {
    let month = day.month0() as usize;
    match locale {
        Locale::En => format!("{} {} {}", day.day(), EN_MONTHS_FULL[month], day.year()),
        Locale::Uk => format!("{} {} {}", day.day(), UK_MONTHS[month], day.year()),
    }
}

/// "10:30" in the company's time zone.
pub fn time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M").to_string()
}

/// "10:00-12:00" in the company's time zone.
pub fn window(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    format!("{}-{}", time(start, tz), time(end, tz))
}

/// The local day of an instant.
pub fn local_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        assert_eq!(date(d, Locale::En), "Tue 15 Dec");
        assert_eq!(date(d, Locale::Uk), "вт, 15 грудня");
        assert_eq!(full_date(d, Locale::En), "15 December 2026");
        assert_eq!(full_date(d, Locale::Uk), "15 грудня 2026");
    }

    #[test]
    fn windows_are_local() {
        let tz: Tz = "Europe/Kyiv".parse().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 12, 15, 8, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 12, 15, 10, 0, 0).unwrap();
        assert_eq!(window(start, end, tz), "10:00-12:00");
    }
}
