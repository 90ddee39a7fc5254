//! Each customer's revenue by calendar year in the company's zone, as of a
//! period's end: the revenue path that lifetime value discounts year by year.
//!
//! Read from the kept sums by UTC year (`customer_years`, a few rows per
//! customer); the few orders completed between a UTC and a local New Year are
//! moved to their local year, and those completed after the period's end are
//! taken out, from the orders themselves (narrow index ranges).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use diesel::QueryableByName;

use super::analytics::Scope;
use super::sql::Sql;
use super::DbConnection;
use crate::core::analytics::Period;
use crate::error::AppError;

/// A customer's revenue (minor units) by local calendar year, oldest first;
/// years without an order are absent.
pub type Years = Vec<(i32, i64)>;

/// A customer's orders and revenue by year, oldest first, while orders are
/// moved about.
type Counted = Vec<(i32, i64, i64)>;

#[derive(QueryableByName)]
struct OrderRow {
    #[diesel(sql_type = Text)]
    customer_id: String,
    #[diesel(sql_type = Timestamp)]
    completed_at: NaiveDateTime,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// The local year an instant (UTC) falls in.
fn local_year(at: NaiveDateTime, tz: Tz) -> i32 {
    tz.from_utc_datetime(&at).year()
}

/// New Year's midnight in the zone, as a UTC instant.
fn local_new_year(year: i32, tz: Tz) -> NaiveDateTime {
    let midnight = utc_new_year(year);
    tz.from_local_datetime(&midnight)
        .earliest()
        .map_or(midnight, |t| t.naive_utc())
}

fn utc_new_year(year: i32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap_or(NaiveDate::MAX)
        .and_time(NaiveTime::MIN)
}

/// Adds to a customer's year, keeping the years in order.
fn add(years: &mut Counted, year: i32, orders: i64, revenue: i64) {
    match years.binary_search_by_key(&year, |y| y.0) {
        Ok(i) => {
            years[i].1 += orders;
            years[i].2 += revenue;
        }
        Err(i) => years.insert(i, (year, orders, revenue)),
    }
}

/// Every customer's revenue by local calendar year, of the orders completed
/// before the period's end. Orders picked by manager or engineer are added up
/// from the orders themselves.
pub fn revenue_by_year(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<HashMap<String, Years>, AppError> {
    let mut years: HashMap<String, Counted> = HashMap::new();
    if scope.manager_id.is_some() || scope.engineer_id.is_some() {
        let mut q = Sql::new(conn);
        q.push("SELECT w.customer_id AS customer_id, w.completed_at AS completed_at, w.total AS total FROM work_orders w WHERE w.completed_at < ")
            .time(p.end);
        q.orders_in(scope, now);
        for o in q.load::<OrderRow>(conn)? {
            let of = years.entry(o.customer_id).or_default();
            add(of, local_year(o.completed_at, p.tz), 1, o.total);
        }
        return Ok(revenue(years));
    }
    // The last UTC year with an order before the end.
    let last = (p.end - Duration::microseconds(1)).year();
    let rows: Vec<(String, i32, i64, i64)> = if scope.is_everyone() {
        // The whole company, the dashboard's case: a typed read, much cheaper
        // per row than one by column name.
        use super::schema::customer_years::dsl as y;
        y::customer_years
            .filter(y::year.le(last))
            .select((y::customer_id, y::year, y::orders, y::revenue))
            .load(conn)?
    } else {
        let mut q = Sql::new(conn);
        q.push("SELECT y.customer_id AS customer_id, y.year AS year, y.orders AS orders, y.revenue AS revenue FROM customer_years y WHERE y.year <= ")
            .push(&last.to_string())
            .customers_in("y.customer_id", scope, now);
        q.load::<YearRow>(conn)?
            .into_iter()
            .map(|r| (r.customer_id, r.year, r.orders, r.revenue))
            .collect()
    };
    // In table order (a sequential read; sorting by the key costs a third more).
    let mut first = last;
    for (customer_id, year, orders, revenue) in rows {
        first = first.min(year);
        add(years.entry(customer_id).or_default(), year, orders, revenue);
    }
    if years.is_empty() {
        return Ok(HashMap::new());
    }
    // Orders of the kept years completed at or after the end come out; those
    // between a UTC and a local New Year move to their local year.
    let mut q = Sql::new(conn);
    q.push("SELECT w.customer_id AS customer_id, w.completed_at AS completed_at, w.total AS total FROM work_orders w WHERE ((w.completed_at >= ")
        .time(p.end)
        .push(" AND w.completed_at < ")
        .time(utc_new_year(last + 1))
        .push(")");
    for year in first..=last + 1 {
        let (a, b) = (local_new_year(year, p.tz), utc_new_year(year));
        let (from, to) = (a.min(b), a.max(b).min(p.end));
        if from < to {
            q.push(" OR (w.completed_at >= ")
                .time(from)
                .push(" AND w.completed_at < ")
                .time(to)
                .push(")");
        }
    }
    q.push(")").customers_in("w.customer_id", scope, now);
    for o in q.load::<OrderRow>(conn)? {
        let of = years.entry(o.customer_id).or_default();
        add(of, o.completed_at.year(), -1, -o.total);
        if o.completed_at < p.end {
            add(of, local_year(o.completed_at, p.tz), 1, o.total);
        }
    }
    Ok(revenue(years))
}

#[derive(QueryableByName)]
struct YearRow {
    #[diesel(sql_type = Text)]
    customer_id: String,
    #[diesel(sql_type = Integer)]
    year: i32,
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    revenue: i64,
}

/// The revenue of the years with an order.
fn revenue(years: HashMap<String, Counted>) -> HashMap<String, Years> {
    years
        .into_iter()
        .map(|(customer, of)| {
            let of: Years = of
                .into_iter()
                .filter(|(_, orders, _)| *orders > 0)
                .map(|(year, _, revenue)| (year, revenue))
                .collect();
            (customer, of)
        })
        .filter(|(_, of)| !of.is_empty())
        .collect()
}
