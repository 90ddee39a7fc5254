//! Field quality: on-time arrival, first-time fix, no-access rate, utilisation
//! and visits per engineer per day.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use super::stats::ratio;
use crate::core::route::EngineerProfile;

/// One engineer's visits of a period, added up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitTotals {
    /// Visits the engineer went to (finished, whatever the outcome).
    pub visits: i64,
    /// Of those, arrived at all (a no-access visit may end before arriving).
    pub arrived: i64,
    /// Arrived between the window's start and end.
    pub on_time: i64,
    pub no_access: i64,
    /// Σ (finished − arrived), seconds.
    pub on_site_seconds: f64,
    /// Local days with at least one visit.
    pub days_worked: i64,
}

/// One engineer's (or the team's) field quality.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Quality {
    pub visits: i64,
    /// Arrived inside the window ÷ arrived.
    pub on_time_rate: Option<f64>,
    /// No-access visits ÷ visits.
    pub no_access_rate: Option<f64>,
    /// On-site time ÷ shift time (working days × shift length less the break).
    pub utilisation: Option<f64>,
    /// Visits ÷ days with visits.
    pub visits_per_day: Option<f64>,
    pub on_site_hours: f64,
    pub shift_hours: f64,
}

/// The rates of one engineer's (or the team's) totals and shift time.
pub fn quality(t: &VisitTotals, shift_seconds: f64) -> Quality {
    Quality {
        visits: t.visits,
        on_time_rate: ratio(t.on_time, t.arrived),
        no_access_rate: ratio(t.no_access, t.visits),
        utilisation: (shift_seconds > 0.0).then(|| t.on_site_seconds / shift_seconds),
        visits_per_day: ratio(t.visits, t.days_worked),
        on_site_hours: t.on_site_seconds / 3600.0,
        shift_hours: shift_seconds / 3600.0,
    }
}

/// Shift seconds in the days `from` to `to` (both included): each working day
/// counts its shift less the lunch break.
pub fn shift_seconds(p: &EngineerProfile, from: NaiveDate, to: NaiveDate) -> f64 {
    let day = (p.shift_end - p.shift_start).num_seconds() - i64::from(p.break_minutes) * 60;
    if day <= 0 || to < from {
        return 0.0;
    }
    let working = from
        .iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| {
            let iso = d.weekday().number_from_monday();
            p.work_days.iter().any(|w| u32::from(*w) == iso)
        })
        .count();
    working as f64 * day as f64
}

/// First-time fix: orders done on their first visit with no return for the
/// same equipment within 30 days, ÷ orders done.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct FirstTimeFix {
    pub orders_done: i64,
    /// Done with a single visit.
    pub single_visit: i64,
    /// Of those, followed within 30 days by another order for the same equipment.
    pub returned: i64,
    pub rate: Option<f64>,
}

/// The first-time-fix rate from its three counts.
pub fn first_time_fix(orders_done: i64, single_visit: i64, returned: i64) -> FirstTimeFix {
    FirstTimeFix {
        orders_done,
        single_visit,
        returned,
        rate: ratio(single_visit - returned, orders_done),
    }
}

/// Whether two orders' equipment lists share an item; orders without
/// equipment count as the same when they are at the same site (the caller
/// pairs orders of one site only).
pub fn same_equipment(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    a.iter().any(|x| b.contains(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn profile() -> EngineerProfile {
        serde_json::from_value(serde_json::json!({
            "work_days": [1, 2, 3, 4, 5],
            "shift_start": "08:00", "shift_end": "17:00",
            "break_start": "12:00", "break_minutes": 60,
            "start_latitude": 50.0, "start_longitude": 30.0
        }))
        .unwrap()
    }

    #[test]
    fn shift_time_counts_working_days_less_the_break() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // 2026-11-02 is a Monday: a whole week has five 8-hour days.
        assert_eq!(
            shift_seconds(&profile(), d("2026-11-02"), d("2026-11-08")),
            5.0 * 8.0 * 3600.0
        );
        assert_eq!(
            shift_seconds(&profile(), d("2026-11-07"), d("2026-11-08")),
            0.0
        );
        let mut p = profile();
        p.shift_end = NaiveTime::from_hms_opt(8, 30, 0).unwrap();
        assert_eq!(shift_seconds(&p, d("2026-11-02"), d("2026-11-08")), 0.0);
    }

    #[test]
    fn a_worked_week_of_an_engineer() {
        // 10 visits on 4 days: 8 arrived, 6 of them inside the window, 2 without
        // access; 20 hours on site out of a 40-hour week.
        let t = VisitTotals {
            visits: 10,
            arrived: 8,
            on_time: 6,
            no_access: 2,
            on_site_seconds: 20.0 * 3600.0,
            days_worked: 4,
        };
        let q = quality(&t, 40.0 * 3600.0);
        assert_eq!(q.on_time_rate, Some(0.75));
        assert_eq!(q.no_access_rate, Some(0.2));
        assert_eq!(q.utilisation, Some(0.5));
        assert_eq!(q.visits_per_day, Some(2.5));
        assert_eq!(quality(&VisitTotals::default(), 0.0).utilisation, None);
    }

    #[test]
    fn first_time_fix_leaves_out_second_visits_and_returns() {
        // 10 done: 8 on one visit, 1 of those back within 30 days → 7 of 10.
        assert_eq!(first_time_fix(10, 8, 1).rate, Some(0.7));
        assert_eq!(first_time_fix(0, 0, 0).rate, None);
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(same_equipment(&ids(&["a", "b"]), &ids(&["b"])));
        assert!(!same_equipment(&ids(&["a"]), &ids(&["b"])));
        assert!(same_equipment(&ids(&[]), &ids(&["b"])));
    }
}
