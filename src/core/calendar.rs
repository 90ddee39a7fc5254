//! Days in the company's time zone: every time is stored in UTC, but "today's
//! visits" start at local midnight, whatever the offset (and on DST days).

use chrono::{Days, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// The UTC instants where the local day `date` starts and the next one starts.
pub fn day_bounds(date: NaiveDate, tz: Tz) -> (NaiveDateTime, NaiveDateTime) {
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    (local_midnight(date, tz), local_midnight(next, tz))
}

fn local_midnight(date: NaiveDate, tz: Tz) -> NaiveDateTime {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.naive_utc(),
        // Midnight skipped by a DST jump: the day starts an hour later.
        None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.naive_utc())
            .unwrap_or(midnight),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kyiv_days_start_at_local_midnight() {
        let tz: Tz = "Europe/Kyiv".parse().unwrap();
        let (from, to) = day_bounds(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), tz);
        assert_eq!(from.to_string(), "2026-11-30 22:00:00");
        assert_eq!(to.to_string(), "2026-12-01 22:00:00");
    }

    #[test]
    fn a_dst_day_is_23_hours_long() {
        let tz: Tz = "Europe/Kyiv".parse().unwrap();
        let (from, to) = day_bounds(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), tz);
        assert_eq!((to - from).num_hours(), 23);
    }
}
