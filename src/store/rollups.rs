//! Sums kept so that analytics over a million orders read little: each
//! customer's completed orders, in all and by UTC calendar year (kept in the
//! transaction that completes one), and the reports' sums for settled UTC days
//! (kept when first read, forgotten by any write that touches the day).

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::schema::{analytics_days, customer_totals, customer_years, reminders, work_orders};
use super::sql::Sql;
use super::work_order_row::WorkOrderRow;
use super::DbConnection;
use crate::core::analytics::settled::{day_period, split};
use crate::core::analytics::Period;
use crate::error::AppError;

/// One customer's completed orders, added up.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customer_totals)]
pub struct CustomerTotals {
    pub customer_id: String,
    pub first_completed_at: NaiveDateTime,
    pub last_completed_at: NaiveDateTime,
    pub orders: i64,
    pub revenue: i64,
}

/// Adds an order completed just now (or, from an import, in the past) to its
/// customer's totals, and notes on it the customer's completion before it.
pub fn add_completed(conn: &mut DbConnection, row: &WorkOrderRow) -> Result<(), AppError> {
    let Some(at) = row.completed_at else {
        return Ok(());
    };
    add_to_year(conn, &row.customer_id, at.year(), row.total)?;
    use customer_totals::dsl as t;
    let mine = t::customer_totals.find(&row.customer_id);
    // The update comes first: on PostgreSQL it locks the customer's row, so
    // two completions of one customer add up one after the other.
    let n = diesel::update(mine)
        .set((
            t::orders.eq(t::orders + 1),
            t::revenue.eq(t::revenue + row.total),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(t::customer_totals)
            .values(CustomerTotals {
                customer_id: row.customer_id.to_string(),
                first_completed_at: at,
                last_completed_at: at,
                orders: 1,
                revenue: row.total,
            })
            .execute(conn)?;
        return Ok(());
    }
    let before: CustomerTotals = mine.select(CustomerTotals::as_select()).first(conn)?;
    let previous = if before.last_completed_at < at {
        Some(before.last_completed_at)
    } else {
        work_orders::table
            .filter(work_orders::customer_id.eq(&row.customer_id))
            .filter(work_orders::completed_at.lt(at))
            .filter(work_orders::id.ne(&row.id))
            .select(diesel::dsl::max(work_orders::completed_at))
            .first::<Option<NaiveDateTime>>(conn)?
    };
    diesel::update(work_orders::table.find(&row.id))
        .set(work_orders::previous_completed_at.eq(previous))
        .execute(conn)?;
    diesel::update(mine.filter(t::first_completed_at.gt(at)))
        .set(t::first_completed_at.eq(at))
        .execute(conn)?;
    diesel::update(mine.filter(t::last_completed_at.lt(at)))
        .set(t::last_completed_at.eq(at))
        .execute(conn)?;
    if at < before.last_completed_at {
        // A completion from the past: the customer's next order now follows it.
        diesel::update(
            work_orders::table
                .filter(work_orders::customer_id.eq(&row.customer_id))
                .filter(work_orders::completed_at.gt(at))
                .filter(
                    work_orders::previous_completed_at
                        .lt(at)
                        .or(work_orders::previous_completed_at.is_null()),
                ),
        )
        .set(work_orders::previous_completed_at.eq(at))
        .execute(conn)?;
    }
    Ok(())
}

/// Adds an order's total to its customer's UTC calendar year.
fn add_to_year(
    conn: &mut DbConnection,
    customer_id: &str,
    year: i32,
    total: i64,
) -> Result<(), AppError> {
    use customer_years::dsl as y;
    let n = diesel::update(y::customer_years.find((customer_id, year)))
        .set((
            y::orders.eq(y::orders + 1),
            y::revenue.eq(y::revenue + total),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(y::customer_years)
            .values((
                y::customer_id.eq(customer_id),
                y::year.eq(year),
                y::orders.eq(1),
                y::revenue.eq(total),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgets the kept sums of the days these instants fall on.
pub fn forget(
    conn: &mut DbConnection,
    instants: impl IntoIterator<Item = NaiveDateTime>,
) -> Result<(), AppError> {
    let days: BTreeSet<NaiveDate> = instants.into_iter().map(|at| at.date()).collect();
    if !days.is_empty() {
        diesel::delete(analytics_days::table.filter(analytics_days::day.eq_any(days)))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgets what a saved order touches: the days it was opened and completed
/// on, and, when it reached a milestone, the days of the reminders it came from.
pub fn forget_order(
    conn: &mut DbConnection,
    row: &WorkOrderRow,
    moved_on: bool,
) -> Result<(), AppError> {
    let mut at = vec![row.created_at];
    at.extend(row.completed_at);
    if moved_on {
        at.extend(
            reminders::table
                .filter(reminders::converted_work_order_id.eq(&row.id))
                .select(reminders::created_at)
                .load::<NaiveDateTime>(conn)?,
        );
    }
    forget(conn, at)
}

/// Forgets every kept day: after an import or an erasure rewrites history.
pub fn forget_all(conn: &mut DbConnection) -> Result<(), AppError> {
    diesel::delete(analytics_days::table).execute(conn)?;
    Ok(())
}

/// The sums `compute` gives over the period, as pieces to add up: whole
/// settled UTC days come from the kept rows (a missing day is computed and
/// kept), the rest is computed. `everyone` is false when the report is
/// filtered, which is never kept.
pub fn kept<T, F>(
    conn: &mut DbConnection,
    name: &str,
    p: &Period,
    everyone: bool,
    now: NaiveDateTime,
    compute: F,
) -> Result<Vec<T>, AppError>
where
    T: Serialize + DeserializeOwned,
    F: Fn(&mut DbConnection, &Period) -> Result<Vec<T>, AppError>,
{
    let parts = split(p, now);
    let (Some((first, last)), true) = (parts.days, everyone) else {
        return compute(conn, p);
    };
    let mut out = Vec::new();
    for part in [parts.head, parts.tail].into_iter().flatten() {
        out.extend(compute(conn, &part)?);
    }
    let stored: HashMap<NaiveDate, String> = analytics_days::table
        .filter(analytics_days::name.eq(name))
        .filter(analytics_days::day.ge(first))
        .filter(analytics_days::day.lt(last))
        .select((analytics_days::day, analytics_days::payload))
        .load::<(NaiveDate, String)>(conn)?
        .into_iter()
        .collect();
    let mut missing = Vec::new();
    let mut day = first;
    while day < last {
        match stored.get(&day).map(|s| serde_json::from_str::<Vec<T>>(s)) {
            Some(Ok(rows)) => out.extend(rows),
            _ => {
                let rows = compute(conn, &day_period(p, day))?;
                missing.push((day, serde_json::to_string(&rows)?));
                out.extend(rows);
            }
        }
        day += Duration::days(1);
    }
    keep(conn, name, missing)?;
    Ok(out)
}

/// Stores computed days; a day another instance stored meanwhile is left as it is.
fn keep(
    conn: &mut DbConnection,
    name: &str,
    days: Vec<(NaiveDate, String)>,
) -> Result<(), AppError> {
    if days.is_empty() {
        return Ok(());
    }
    conn.transaction(|conn| {
        for (day, payload) in days {
            let mut q = Sql::new(conn);
            q.push("INSERT INTO analytics_days (day, name, payload) VALUES (")
                .day(day)
                .push(", ")
                .text(name)
                .push(", ")
                .text(&payload)
                .push(") ON CONFLICT (day, name) DO NOTHING");
            q.execute(conn)?;
        }
        Ok(())
    })
}

/// Recounts every customer's totals and each order's previous completion from
/// the orders, and forgets the kept days: for data written around the
/// application (a bulk import, a generated benchmark company).
pub fn rebuild(conn: &mut DbConnection) -> Result<(), AppError> {
    use diesel::connection::SimpleConnection;
    let year = match conn {
        DbConnection::Sqlite(_) => "CAST(strftime('%Y', completed_at) AS INTEGER)",
        DbConnection::Postgresql(_) => "CAST(EXTRACT(YEAR FROM completed_at) AS INTEGER)",
    };
    let sql = format!(
        "DELETE FROM customer_totals;
        DELETE FROM customer_years;
        UPDATE work_orders SET previous_completed_at = (
            SELECT MAX(p.completed_at) FROM work_orders p
            WHERE p.customer_id = work_orders.customer_id AND p.completed_at < work_orders.completed_at
        ) WHERE completed_at IS NOT NULL;
        INSERT INTO customer_totals (customer_id, first_completed_at, last_completed_at, orders, revenue)
        SELECT customer_id, MIN(completed_at), MAX(completed_at), COUNT(*), CAST(SUM(total) AS BIGINT)
        FROM work_orders WHERE completed_at IS NOT NULL GROUP BY customer_id;
        INSERT INTO customer_years (customer_id, year, orders, revenue)
        SELECT customer_id, {year}, COUNT(*), CAST(SUM(total) AS BIGINT)
        FROM work_orders WHERE completed_at IS NOT NULL GROUP BY customer_id, {year};
        DELETE FROM analytics_days;"
    );
    conn.transaction(|conn| conn.batch_execute(&sql))?;
    Ok(())
}
