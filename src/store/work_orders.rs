//! Work orders table: rows, optimistic versioning and the list.

use crate::core::ids::{CustomerId, WorkOrderId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::page::{Page, PageRequest};
use super::schema::{visits, work_orders};
use super::{rollups, DbConnection};
use crate::core::work_order::{Milestone, WorkOrder, WorkOrderStatus};
use crate::error::AppError;
use crate::store::page::keyset_page;

pub use super::work_order_row::WorkOrderRow;

pub fn insert(conn: &mut DbConnection, row: &WorkOrderRow) -> Result<(), AppError> {
    let mut row = row.clone();
    let reached = row.stamp_milestones(row.updated_at)?;
    diesel::insert_into(work_orders::table)
        .values(&row)
        .execute(conn)?;
    saved(conn, &row, &reached)
}

/// Keeps the analytics' sums in step with a saved order.
fn saved(
    conn: &mut DbConnection,
    row: &WorkOrderRow,
    reached: &[Milestone],
) -> Result<(), AppError> {
    if reached.contains(&Milestone::Completed) {
        rollups::add_completed(conn, row)?;
    }
    rollups::forget_order(conn, row, !reached.is_empty())
}

/// The scopes of some orders (as stored, JSON), in one read per 500.
pub fn scopes(
    conn: &mut DbConnection,
    ids: &[WorkOrderId],
) -> Result<Vec<(WorkOrderId, String)>, AppError> {
    let mut out = vec![];
    for chunk in ids.chunks(500) {
        let keys: Vec<&str> = chunk.iter().map(WorkOrderId::as_str).collect();
        out.extend(
            work_orders::table
                .filter(work_orders::id.eq_any(keys))
                .select((work_orders::id, work_orders::scope_lines))
                .load::<(WorkOrderId, String)>(conn)?,
        );
    }
    Ok(out)
}

pub fn find(conn: &mut DbConnection, id: &WorkOrderId) -> Result<Option<WorkOrderRow>, AppError> {
    Ok(work_orders::table
        .find(id)
        .select(WorkOrderRow::as_select())
        .first(conn)
        .optional()?)
}

/// Takes the order's row lock for the rest of the transaction (a no-op write), so
/// concurrent actions on one order queue up on every backend; false if there is no such order.
pub fn lock(conn: &mut DbConnection, id: &WorkOrderId) -> Result<bool, AppError> {
    let n = diesel::update(work_orders::table.find(id))
        .set(work_orders::version.eq(work_orders::version))
        .execute(conn)?;
    Ok(n == 1)
}

/// Saves the row if nobody changed it since `expected_version` was read; the version moves on.
pub fn save_versioned(
    conn: &mut DbConnection,
    row: &mut WorkOrderRow,
    expected_version: i64,
) -> Result<(), AppError> {
    row.version = expected_version + 1;
    let reached = row.stamp_milestones(row.updated_at)?;
    let n = diesel::update(
        work_orders::table
            .find(&row.id)
            .filter(work_orders::version.eq(expected_version)),
    )
    .set(&*row)
    .execute(conn)?;
    if n == 0 {
        return Err(AppError::conflict(
            "stale_version",
            "the work order was changed by someone else; reload it",
        ));
    }
    saved(conn, row, &reached)
}

/// Filters of the work-order list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkOrderFilter {
    pub status: Option<WorkOrderStatus>,
    pub customer_id: Option<String>,
    /// Orders with a visit of this engineer.
    pub engineer_id: Option<String>,
    /// Orders with a visit planned on this day (company time zone), `YYYY-MM-DD`.
    pub date: Option<NaiveDate>,
}

/// One page of work orders, newest first; `day` is the UTC span of `filter.date`.
pub fn list(
    conn: &mut DbConnection,
    filter: &WorkOrderFilter,
    day: Option<(NaiveDateTime, NaiveDateTime)>,
    page: &PageRequest,
) -> Result<Page<WorkOrder>, AppError> {
    let mut query = work_orders::table
        .select(WorkOrderRow::as_select())
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(work_orders::status.eq(status.as_str()));
    }
    if let Some(c) = &filter.customer_id {
        query = query.filter(work_orders::customer_id.eq(c.to_lowercase()));
    }
    if filter.engineer_id.is_some() || day.is_some() {
        let mut visit_query = visits::table
            .filter(visits::status.ne("cancelled"))
            .select(visits::work_order_id)
            .distinct()
            .into_boxed();
        if let Some(e) = &filter.engineer_id {
            visit_query = visit_query.filter(visits::engineer_id.eq(e.to_lowercase()));
        }
        if let Some((from, to)) = day {
            visit_query = visit_query
                .filter(visits::planned_start.lt(to))
                .filter(visits::planned_end.gt(from));
        }
        // Two steps: diesel's multi-backend cannot nest a boxed subquery.
        let order_ids: Vec<String> = visit_query.limit(10_000).load(conn)?;
        query = query.filter(work_orders::id.eq_any(order_ids));
    }
    let rows: Vec<WorkOrderRow> = keyset_page!(query, work_orders::id, page).load(conn)?;
    Page::from_rows(rows, page, |r| &r.id).try_map(WorkOrderRow::into_view)
}

/// A customer's orders, newest first, at most `limit`.
pub fn for_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
    limit: i64,
) -> Result<Vec<WorkOrder>, AppError> {
    let rows: Vec<WorkOrderRow> = work_orders::table
        .filter(work_orders::customer_id.eq(customer_id))
        .order(work_orders::id.desc())
        .limit(limit)
        .select(WorkOrderRow::as_select())
        .load(conn)?;
    rows.into_iter().map(WorkOrderRow::into_view).collect()
}

/// Orders waiting for a visit, most urgent first, then oldest.
pub fn waiting_for_scheduling(
    conn: &mut DbConnection,
    limit: i64,
) -> Result<Vec<WorkOrderRow>, AppError> {
    let mut rows: Vec<WorkOrderRow> = work_orders::table
        .filter(work_orders::status.eq(WorkOrderStatus::Scheduling.as_str()))
        .order(work_orders::id.asc())
        .limit(limit)
        .select(WorkOrderRow::as_select())
        .load(conn)?;
    rows.sort_by(|x, y| (x.priority.rank(), &x.id).cmp(&(y.priority.rank(), &y.id)));
    Ok(rows)
}

/// The currency of some order kept in another currency than `code`, if any.
pub fn other_currency(conn: &mut DbConnection, code: &str) -> Result<Option<String>, AppError> {
    Ok(work_orders::table
        .filter(work_orders::currency.ne(code))
        .select(work_orders::currency)
        .first(conn)
        .optional()?)
}

/// Orders in `work_done` since before `before`: (order, customer, when).
pub fn done_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<Vec<(WorkOrderId, CustomerId, NaiveDateTime)>, AppError> {
    Ok(work_orders::table
        .filter(work_orders::status.eq(WorkOrderStatus::WorkDone.as_str()))
        .filter(work_orders::updated_at.lt(before))
        .select((
            work_orders::id,
            work_orders::customer_id,
            work_orders::updated_at,
        ))
        .load(conn)?)
}

/// Where an order's work is: the customer's name, the site's address and position.
#[derive(Debug, Clone)]
pub struct OrderPlace {
    pub order: WorkOrderRow,
    pub customer_name: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

type PlaceColumns = (
    WorkOrderRow,
    String,
    String,
    Option<String>,
    String,
    Option<f64>,
    Option<f64>,
);

fn to_place(
    (order, customer_name, line1, line2, city, latitude, longitude): PlaceColumns,
) -> OrderPlace {
    let mut address = line1;
    if let Some(l2) = line2.filter(|l| !l.is_empty()) {
        address = format!("{address}, {l2}");
    }
    OrderPlace {
        order,
        customer_name,
        address: format!("{address}, {city}"),
        latitude,
        longitude,
    }
}

/// Orders with their places: the given ids, or (with `None`) every order waiting
/// for scheduling, oldest first, up to `limit`.
pub fn places(
    conn: &mut DbConnection,
    ids: Option<&[String]>,
    limit: i64,
) -> Result<Vec<OrderPlace>, AppError> {
    use super::schema::{customers, sites};
    let mut query = work_orders::table
        .inner_join(customers::table)
        .inner_join(sites::table)
        .select((
            WorkOrderRow::as_select(),
            customers::name,
            sites::address_line1,
            sites::address_line2,
            sites::city,
            sites::latitude,
            sites::longitude,
        ))
        .order(work_orders::id.asc())
        .limit(limit)
        .into_boxed();
    query = match ids {
        Some(ids) => query.filter(work_orders::id.eq_any(ids.to_vec())),
        None => query.filter(work_orders::status.eq(WorkOrderStatus::Scheduling.as_str())),
    };
    Ok(query
        .load::<PlaceColumns>(conn)?
        .into_iter()
        .map(to_place)
        .collect())
}
