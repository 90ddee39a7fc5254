//! Maintenance by use: where a usage plan stands from its meter's readings.
//! The threshold is the total at the last service plus the plan's units; the
//! forecast is the day the meter's daily rate reaches it; a reminder already
//! made moves only when the forecast moves by more than a tolerance, so a
//! manager's inbox does not shuffle with every reading.

use chrono::{DateTime, NaiveDate, Utc};

use super::meter::{day_reaching, Reading};

/// A forecast within this many days of the reminder's date leaves it alone.
pub const TOLERANCE_DAYS: i64 = 3;
/// A forecast is worked out again at most this often from a stream of
/// readings (a threshold crossed is looked at on every reading).
pub const REFRESH_HOURS: i64 = 6;
/// Past the threshold by more than this share of the plan's units, the
/// reminder is urgent: the service is late already.
pub const FAR_PAST_SHARE: f64 = 0.1;

/// Where a usage plan stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// The total at which the next service is due.
    pub threshold: f64,
    /// The meter's latest total.
    pub total: Option<f64>,
    /// The threshold is reached.
    pub crossed: bool,
    /// Reached and far past.
    pub urgent: bool,
    /// The day it is (or was) reached: from the rate, or the day of the
    /// reading that reached it; none without enough readings.
    pub forecast_on: Option<NaiveDate>,
}

/// The usage plan with `baseline` total and `every_units` against the meter's
/// recent readings (oldest first).
pub fn standing(
    readings: &[Reading],
    baseline: f64,
    every_units: f64,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Standing {
    let threshold = baseline + every_units;
    // A device's clock may run a little ahead; its latest reading still counts.
    let total = readings.iter().max_by_key(|r| r.read_at).map(|r| r.total);
    let crossed = total.is_some_and(|t| t >= threshold);
    Standing {
        threshold,
        total,
        crossed,
        urgent: total.is_some_and(|t| t >= threshold + FAR_PAST_SHARE * every_units),
        forecast_on: day_reaching(readings, threshold, now, tz),
    }
}

/// The plan's next due day: the forecast, or the calendar's day for a
/// `usage_or_time` plan if that comes first.
pub fn next_due(time_due: Option<NaiveDate>, forecast_on: Option<NaiveDate>) -> Option<NaiveDate> {
    match (time_due, forecast_on) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether a reminder for `was` should move to `now`.
pub fn moved(was: NaiveDate, now: NaiveDate) -> bool {
    (now - was).num_days().abs() > TOLERANCE_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::ReadingId;
    use crate::core::meter::{ReadingKind, ReadingSource};
    use chrono::{Duration, TimeZone};

    const KYIV: chrono_tz::Tz = chrono_tz::Europe::Kyiv;

    fn at(day: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 9, 1, 6, 0, 0).unwrap() + Duration::days(day)
    }

    fn read(day: i64, total: f64) -> Reading {
        Reading {
            id: ReadingId::new(),
            value: total,
            read_at: at(day),
            kind: ReadingKind::Reading,
            source: ReadingSource::Device,
            total,
        }
    }

    /// 50 litres a day from 10,000 at the last service.
    fn steady(days: i64) -> Vec<Reading> {
        (0..=days)
            .map(|d| read(d, 10_000.0 + 50.0 * d as f64))
            .collect()
    }

    #[test]
    fn a_steady_filter_is_forecast_on_the_day_its_litres_run_out() {
        let s = standing(&steady(20), 10_000.0, 2_000.0, at(20), KYIV);
        assert_eq!(s.threshold, 12_000.0);
        assert!(!s.crossed);
        // 11,000 read on day 20; 1,000 more at 50 a day is day 40.
        assert_eq!(s.forecast_on, Some(at(40).date_naive()));
    }

    #[test]
    fn a_crossing_is_dated_by_its_reading_and_far_past_is_urgent() {
        let s = standing(&steady(41), 10_000.0, 2_000.0, at(41), KYIV);
        assert!(s.crossed && !s.urgent);
        assert_eq!(s.forecast_on, Some(at(41).date_naive()));
        let mut late = steady(41);
        late.push(read(42, 12_300.0));
        let s = standing(&late, 10_000.0, 2_000.0, at(42), KYIV);
        assert!(s.crossed && s.urgent, "300 past 2,000 is more than a tenth");
    }

    #[test]
    fn a_reading_after_local_midnight_is_dated_by_the_companys_day() {
        // 22:30 UTC on 31 October is 00:30 on 1 November in Kyiv (after DST ended).
        let mut series = steady(3);
        series.push(Reading {
            read_at: Utc.with_ymd_and_hms(2026, 10, 31, 22, 30, 0).unwrap(),
            ..read(0, 12_500.0)
        });
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        let s = standing(&series, 10_000.0, 2_000.0, now, KYIV);
        assert_eq!(s.forecast_on, NaiveDate::from_ymd_opt(2026, 11, 1));
    }

    #[test]
    fn without_readings_there_is_no_forecast() {
        let s = standing(&[], 0.0, 2_000.0, at(0), KYIV);
        assert_eq!(s.forecast_on, None);
        assert_eq!(s.total, None);
        assert!(!s.crossed);
    }

    #[test]
    fn usage_or_time_takes_whichever_comes_first() {
        let d = |n| Some(at(n).date_naive());
        assert_eq!(next_due(d(30), d(40)), d(30));
        assert_eq!(next_due(d(50), d(40)), d(40));
        assert_eq!(next_due(None, d(40)), d(40));
        assert_eq!(next_due(d(30), None), d(30));
        assert_eq!(next_due(None, None), None);
    }

    #[test]
    fn a_reminder_moves_only_beyond_the_tolerance() {
        let d = |n| at(n).date_naive();
        assert!(!moved(d(10), d(13)));
        assert!(!moved(d(10), d(7)));
        assert!(moved(d(10), d(14)));
        assert!(moved(d(10), d(2)));
    }
}
