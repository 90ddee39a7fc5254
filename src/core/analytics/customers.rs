//! Customer dynamics: who is active, new, won back or lost, the churn rate, and
//! how long each monthly cohort keeps ordering.
//!
//! Everything is read from completed orders. A customer is **active** at an
//! instant when their last completed order is less than the lost-customer
//! inactivity period (`ORDERLY_LOST_INACTIVE_MONTHS`, 18 by default) before it.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use super::stats::ratio;
use super::{local, months_before, Period};

/// One customer's completed orders before the period's end, added up by the database.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    pub customer_id: String,
    /// `b2c` or `b2b`.
    pub segment: String,
    pub first_order: NaiveDateTime,
    pub last_order: NaiveDateTime,
    /// The last completed order before the period began.
    pub last_before_start: Option<NaiveDateTime>,
    pub orders: i64,
    pub revenue: i64,
    pub orders_in_period: i64,
    pub revenue_in_period: i64,
}

/// One customer's completed orders over all time, kept up to date as orders complete.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub customer_id: String,
    pub segment: String,
    pub first_order: NaiveDateTime,
    pub last_order: NaiveDateTime,
    pub orders: i64,
    pub revenue: i64,
}

/// One customer's orders completed since the period began, in it and after it.
/// `previous_*` is the smallest "completion before this one" among the orders
/// completed since the start (or the end): the customer's last order before it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Since {
    pub in_period: i64,
    pub revenue_in_period: i64,
    pub last_in_period: Option<NaiveDateTime>,
    pub after: i64,
    pub revenue_after: i64,
    pub previous_from_start: Option<NaiveDateTime>,
    pub previous_from_end: Option<NaiveDateTime>,
}

/// The customer's ledger at the period's end from the kept totals, less what
/// came after the end; None when their first order came after it.
pub fn ledger_at(t: Totals, since: Option<&Since>, period: &Period) -> Option<Ledger> {
    if t.first_order >= period.end {
        return None;
    }
    let none = Since::default();
    let s = since.unwrap_or(&none);
    let last_order = if s.after == 0 {
        t.last_order
    } else {
        s.last_in_period.or(s.previous_from_end)?
    };
    let last_before_start = if t.first_order >= period.start {
        None
    } else if since.is_none() {
        Some(t.last_order)
    } else {
        s.previous_from_start
    };
    Some(Ledger {
        customer_id: t.customer_id,
        segment: t.segment,
        first_order: t.first_order,
        last_order,
        last_before_start,
        orders: t.orders - s.after,
        revenue: t.revenue - s.revenue_after,
        orders_in_period: s.in_period,
        revenue_in_period: s.revenue_in_period,
    })
}

/// The customer counts of a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Dynamics {
    /// Active when the period began.
    pub active_at_start: i64,
    /// Active when it ended.
    pub active: i64,
    /// First completed order inside the period.
    pub new: i64,
    /// Active at the end with a maintenance overdue and no open order.
    pub at_risk: i64,
    /// Active at the start, not at the end: lost during the period.
    pub churned: i64,
    /// Ordered before but not active at the end: every lost customer.
    pub lost: i64,
    /// Not active at the start though they had ordered before, and ordered in the period.
    pub won_back: i64,
    /// Churned ÷ active at the start.
    pub churn_rate: Option<f64>,
    /// 1 − churn rate.
    pub retention_rate: Option<f64>,
}

/// Whether a customer whose last order was `last` is active at `at`: the
/// order is less than `months` months before it, months counted in `tz`.
pub fn active_at(last: Option<NaiveDateTime>, at: NaiveDateTime, months: u32, tz: Tz) -> bool {
    match (last, months_before(at, months, tz)) {
        (Some(last), Some(since)) => last > since && last <= at,
        _ => false,
    }
}

/// Counts the period's customers; `at_risk` is the set of customers with a
/// maintenance overdue at its end.
pub fn dynamics(
    ledgers: &[Ledger],
    period: &Period,
    lost_after_months: u32,
    at_risk: &std::collections::HashSet<String>,
) -> Dynamics {
    let mut d = Dynamics::default();
    for l in ledgers {
        let was = active_at(
            l.last_before_start,
            period.start,
            lost_after_months,
            period.tz,
        );
        let is = active_at(Some(l.last_order), period.end, lost_after_months, period.tz);
        d.active_at_start += i64::from(was);
        d.active += i64::from(is);
        d.new += i64::from(l.first_order >= period.start);
        d.churned += i64::from(was && !is);
        d.lost += i64::from(!is);
        d.won_back += i64::from(!was && l.last_before_start.is_some() && l.orders_in_period > 0);
        d.at_risk += i64::from(is && at_risk.contains(&l.customer_id));
    }
    d.churn_rate = ratio(d.churned, d.active_at_start);
    d.retention_rate = d.churn_rate.map(|c| 1.0 - c);
    d
}

/// One cohort: the customers whose first order fell in a month.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Cohort {
    /// `2026-03`.
    pub month: String,
    pub customers: i64,
    /// Share still ordering k months later (month k or after), k = 0, 1, …, as far
    /// as the period's end reaches.
    pub retained: Vec<f64>,
}

/// Retention by monthly cohort of first order, "unbounded": a customer counts
/// as retained in month k when they have a completed order in that month or
/// any later one (up to the period's end). Cohorts are the months of the period.
pub fn cohorts(ledgers: &[Ledger], period: &Period, tz: Tz) -> Vec<Cohort> {
    let index = |at: NaiveDateTime| {
        let t = local(at, tz);
        i64::from(chrono::Datelike::year(&t)) * 12 + i64::from(chrono::Datelike::month0(&t))
    };
    let last_month = index(period.end - chrono::Duration::seconds(1));
    let mut by_month: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for l in ledgers.iter().filter(|l| l.first_order >= period.start) {
        by_month
            .entry(index(l.first_order))
            .or_default()
            .push(index(l.last_order));
    }
    by_month
        .into_iter()
        .map(|(month, lasts)| {
            let n = lasts.len() as i64;
            let retained = (0..=(last_month - month))
                .map(|k| {
                    let kept = lasts.iter().filter(|&&last| last >= month + k).count() as i64;
                    ratio(kept, n).unwrap_or(0.0)
                })
                .collect();
            Cohort {
                month: format!("{:04}-{:02}", month / 12, month % 12 + 1),
                customers: n,
                retained,
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::analytics::months_before;
    use chrono::NaiveDate;

    #[test]
    fn the_ledger_at_a_past_end_takes_off_what_came_after() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let p = Period::new(d("2025-01-01"), d("2025-12-31"), chrono_tz::UTC).unwrap();
        // Orders on 2024-03-01, 2025-05-01, 2025-09-01 and 2026-02-01.
        let totals = Totals {
            customer_id: "c".into(),
            segment: "b2c".into(),
            first_order: t("2024-03-01"),
            last_order: t("2026-02-01"),
            orders: 4,
            revenue: 400,
        };
        let since = Since {
            in_period: 2,
            revenue_in_period: 200,
            last_in_period: Some(t("2025-09-01")),
            after: 1,
            revenue_after: 100,
            previous_from_start: Some(t("2024-03-01")),
            previous_from_end: Some(t("2025-09-01")),
        };
        let l = ledger_at(totals.clone(), Some(&since), &p).unwrap();
        assert_eq!((l.orders, l.revenue), (3, 300));
        assert_eq!(l.last_order, t("2025-09-01"));
        assert_eq!(l.last_before_start, Some(t("2024-03-01")));
        assert_eq!((l.orders_in_period, l.revenue_in_period), (2, 200));
        // Nothing since the start: every order came before it.
        let quiet = Totals {
            last_order: t("2024-03-01"),
            orders: 1,
            revenue: 100,
            ..totals.clone()
        };
        let l = ledger_at(quiet, None, &p).unwrap();
        assert_eq!(l.last_before_start, Some(t("2024-03-01")));
        assert_eq!(l.orders_in_period, 0);
        // Nothing in the period, one order after it: the last order is the one before the end.
        let gap = Since {
            after: 1,
            revenue_after: 100,
            previous_from_start: Some(t("2024-03-01")),
            previous_from_end: Some(t("2024-03-01")),
            ..Since::default()
        };
        let l = ledger_at(totals.clone(), Some(&gap), &p).unwrap();
        assert_eq!(l.last_order, t("2024-03-01"));
        // A first order after the end: not a customer yet.
        let later = Totals {
            first_order: t("2026-02-01"),
            ..totals
        };
        assert!(ledger_at(later, Some(&gap), &p).is_none());
    }

    pub(crate) fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{s} 12:00"), "%Y-%m-%d %H:%M").unwrap()
    }

    pub(crate) fn ledger(
        id: &str,
        first: &str,
        last: &str,
        before: Option<&str>,
        orders: i64,
        revenue: i64,
        in_period: i64,
    ) -> Ledger {
        Ledger {
            customer_id: id.into(),
            segment: "b2c".into(),
            first_order: t(first),
            last_order: t(last),
            last_before_start: before.map(t),
            orders,
            revenue,
            orders_in_period: in_period,
            revenue_in_period: 0,
        }
    }

    pub(crate) fn year_2026() -> Period {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        Period::new(d("2026-01-01"), d("2026-12-31"), chrono_tz::UTC).unwrap()
    }

    #[test]
    fn a_worked_year_of_five_customers() {
        // With 12 months to lose a customer, over 2026:
        let ledgers = vec![
            // a: ordered 2025-06 and 2026-05: active at both ends.
            ledger("a", "2025-06-01", "2026-05-01", Some("2025-06-01"), 2, 0, 1),
            // b: ordered 2025-03 only: active on 1 January, lost by 31 December.
            ledger("b", "2025-03-01", "2025-03-01", Some("2025-03-01"), 1, 0, 0),
            // c: new in 2026-02.
            ledger("c", "2026-02-01", "2026-02-01", None, 1, 0, 1),
            // d: last ordered 2023, back in 2026-04: won back.
            ledger("d", "2022-01-01", "2026-04-01", Some("2023-01-01"), 3, 0, 1),
            // e: last ordered 2024: lost before and after.
            ledger("e", "2024-01-01", "2024-01-01", Some("2024-01-01"), 1, 0, 0),
        ];
        let risk = ["a".to_string(), "b".to_string()].into_iter().collect();
        let d = dynamics(&ledgers, &year_2026(), 12, &risk);
        assert_eq!(
            (
                d.active_at_start,
                d.active,
                d.new,
                d.churned,
                d.lost,
                d.won_back,
                d.at_risk
            ),
            (2, 3, 1, 1, 2, 1, 1)
        );
        assert_eq!(d.churn_rate, Some(0.5));
        assert_eq!(d.retention_rate, Some(0.5));
    }

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn months_of_activity_are_counted_in_the_companys_zone() {
        let kyiv = chrono_tz::Europe::Kyiv;
        // The period ends at midnight 1 December in Kyiv (22:00 UTC): 18 local
        // months before is midnight 1 June 2025 (21:00 UTC, summer time).
        let end = utc("2026-11-30T22:00");
        assert_eq!(months_before(end, 18, kyiv), Some(utc("2025-05-31T21:00")));
        // 23:30 on 31 May in Kyiv: more than 18 local months before, though
        // less than 18 UTC months — lost.
        assert!(!active_at(Some(utc("2025-05-31T20:30")), end, 18, kyiv));
        assert!(active_at(
            Some(utc("2025-05-31T20:30")),
            end,
            18,
            chrono_tz::UTC
        ));
        // 00:30 on 1 June in Kyiv: active.
        assert!(active_at(Some(utc("2025-05-31T21:30")), end, 18, kyiv));
        // Across the spring change: noon stays noon, the UTC hour moves.
        assert_eq!(
            months_before(utc("2026-04-01T09:00"), 3, kyiv),
            Some(utc("2026-01-01T10:00"))
        );
        // A wall time the change skips (03:30 on 29 March 2026) is read an hour on.
        assert_eq!(
            months_before(utc("2026-04-29T00:30"), 1, kyiv),
            Some(utc("2026-03-29T01:30"))
        );
    }

    #[test]
    fn a_customer_near_the_local_month_boundary_is_counted_by_local_months() {
        let kyiv = chrono_tz::Europe::Kyiv;
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let p = Period::new(d("2026-01-01"), d("2026-11-30"), kyiv).unwrap();
        let one = |last: &str| {
            let mut l = ledger("a", "2024-01-01", "2024-01-01", Some("2024-01-01"), 1, 0, 0);
            l.last_order = utc(last);
            l.last_before_start = Some(utc(last));
            dynamics(&[l], &p, 18, &Default::default())
        };
        // 31 May 2025 23:30 in Kyiv: lost by the period's end, churned in it.
        let before = one("2025-05-31T20:30");
        assert_eq!((before.active, before.churned, before.lost), (0, 1, 1));
        // 1 June 2025 00:30 in Kyiv: still active.
        let after = one("2025-05-31T21:30");
        assert_eq!((after.active, after.churned, after.lost), (1, 0, 0));
    }

    #[test]
    fn cohorts_count_customers_ordering_that_month_or_later() {
        let ledgers = vec![
            ledger("a", "2026-01-10", "2026-01-10", None, 1, 0, 1),
            ledger("b", "2026-01-20", "2026-03-05", None, 2, 0, 2),
            ledger("c", "2026-01-25", "2026-02-05", None, 2, 0, 2),
            ledger("d", "2026-02-01", "2026-02-01", None, 1, 0, 1),
        ];
        let p = Period::new(
            "2026-01-01".parse().unwrap(),
            "2026-03-31".parse().unwrap(),
            chrono_tz::UTC,
        )
        .unwrap();
        let c = cohorts(&ledgers, &p, chrono_tz::UTC);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].month.as_str(), c[0].customers), ("2026-01", 3));
        assert_eq!(c[0].retained, vec![1.0, 2.0 / 3.0, 1.0 / 3.0]);
        assert_eq!(
            (c[1].month.as_str(), c[1].retained.clone()),
            ("2026-02", vec![1.0, 0.0])
        );
    }
}
