//! Visits table: booking, the engineer's progress, and calendar clashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{users, visits};
use super::{decoded_json, decoded_optional, utc, DbConnection};
use crate::core::ids::{CustomerId, UserId, VisitId, WorkOrderId};
use crate::core::visit::{CustomerAnswer, CustomerResponse, Outcome, Visit, VisitStatus};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = visits, treat_none_as_null = true)]
pub struct VisitRow {
    pub id: VisitId,
    pub work_order_id: WorkOrderId,
    pub engineer_id: UserId,
    pub planned_start: NaiveDateTime,
    pub planned_end: NaiveDateTime,
    pub on_site_contact_id: Option<String>,
    pub status: VisitStatus,
    pub travel_started_at: Option<NaiveDateTime>,
    pub arrived_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub outcome: Option<String>,
    pub result_notes: Option<String>,
    pub lines_done: String,
    pub parts_used: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub customer_response: Option<String>,
    pub customer_response_note: Option<String>,
    pub customer_responded_at: Option<NaiveDateTime>,
    pub recommendations: Option<String>,
    pub customer_rating: Option<i32>,
    pub customer_comment: Option<String>,
    /// Raised by every reschedule: a customer's link names the booking it was
    /// sent for, so an old link cannot confirm a new time.
    pub booking_version: i32,
}

/// Visit states that hold a place in the engineer's calendar.
const LIVE: [&str; 3] = ["booked", "en_route", "on_site"];

impl VisitRow {
    /// The visit as the API shows it.
    pub fn into_view(self, engineer_name: Option<String>) -> Result<Visit, AppError> {
        let answer = decoded_optional(
            self.customer_response.as_deref(),
            CustomerAnswer::parse,
            "customer response",
            &self.id,
        )?;
        Ok(Visit {
            status: self.status,
            outcome: decoded_optional(
                self.outcome.as_deref(),
                Outcome::parse,
                "outcome",
                &self.id,
            )?,
            lines_done: decoded_json(&self.lines_done, "lines done", &self.id)?,
            parts_used: decoded_json(&self.parts_used, "parts used", &self.id)?,
            id: self.id.to_string(),
            work_order_id: self.work_order_id.to_string(),
            engineer_id: self.engineer_id.to_string(),
            engineer_name,
            planned_start: utc(self.planned_start),
            planned_end: utc(self.planned_end),
            on_site_contact_id: self.on_site_contact_id,
            travel_started_at: self.travel_started_at.map(utc),
            arrived_at: self.arrived_at.map(utc),
            finished_at: self.finished_at.map(utc),
            result_notes: self.result_notes,
            customer_response: match (answer, self.customer_responded_at) {
                (Some(answer), Some(at)) => Some(CustomerResponse {
                    answer,
                    note: self.customer_response_note,
                    at: utc(at),
                }),
                _ => None,
            },
            recommendations: self.recommendations,
            customer_rating: self.customer_rating,
            customer_comment: self.customer_comment,
            files: vec![],
            created_at: utc(self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &VisitRow) -> Result<(), AppError> {
    diesel::insert_into(visits::table)
        .values(row)
        .execute(conn)?;
    super::rollups::forget(conn, [row.planned_start])
}

/// Saves the visit; the analytics forget the day it was and is booked on.
pub fn save(conn: &mut DbConnection, row: &VisitRow) -> Result<(), AppError> {
    let was: Option<NaiveDateTime> = visits::table
        .find(&row.id)
        .select(visits::planned_start)
        .first(conn)
        .optional()?;
    diesel::update(visits::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    super::rollups::forget(conn, was.into_iter().chain([row.planned_start]))
}

/// The order's visit that is booked or under way, if any.
pub fn live_for_order(
    conn: &mut DbConnection,
    work_order_id: &WorkOrderId,
) -> Result<Option<VisitRow>, AppError> {
    Ok(visits::table
        .filter(visits::work_order_id.eq(work_order_id))
        .filter(visits::status.eq_any(LIVE))
        .select(VisitRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether the engineer has (or had) a visit of the order: what makes an order
/// its own to read, whatever state the visit is in now.
pub fn engineer_on_order(
    conn: &mut DbConnection,
    work_order_id: &WorkOrderId,
    engineer_id: &UserId,
) -> Result<bool, AppError> {
    let n: i64 = visits::table
        .filter(visits::work_order_id.eq(work_order_id))
        .filter(visits::engineer_id.eq(engineer_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Every visit of an order, oldest first, with engineer names.
pub fn for_order(
    conn: &mut DbConnection,
    work_order_id: &WorkOrderId,
) -> Result<Vec<Visit>, AppError> {
    let rows: Vec<(VisitRow, String)> = visits::table
        .inner_join(users::table)
        .filter(visits::work_order_id.eq(work_order_id))
        .order(visits::id.asc())
        .select((VisitRow::as_select(), users::name))
        .load(conn)?;
    let mut views: Vec<Visit> = rows
        .into_iter()
        .map(|(v, name)| v.into_view(Some(name)))
        .collect::<Result<_, _>>()?;
    attach_files(conn, &mut views)?;
    Ok(views)
}

/// Fills in the visits' photos and signatures, in one query.
pub fn attach_files(conn: &mut DbConnection, views: &mut [Visit]) -> Result<(), AppError> {
    let ids: Vec<String> = views.iter().map(|v| v.id.clone()).collect();
    for file in super::visit_files::of_visits(conn, &ids)? {
        if let Some(v) = views.iter_mut().find(|v| v.id == file.visit_id) {
            v.files.push(file.view()?);
        }
    }
    Ok(())
}

/// The engineer's live visit that shares time with `[start, end)`, other than `except`.
pub fn clash(
    conn: &mut DbConnection,
    engineer_id: &UserId,
    start: NaiveDateTime,
    end: NaiveDateTime,
    except: Option<&str>,
) -> Result<Option<VisitRow>, AppError> {
    let mut query = visits::table
        .filter(visits::engineer_id.eq(engineer_id))
        .filter(visits::status.eq_any(LIVE))
        .filter(visits::planned_start.lt(end))
        .filter(visits::planned_end.gt(start))
        .select(VisitRow::as_select())
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(visits::id.ne(id.to_owned()));
    }
    Ok(query.first(conn).optional()?)
}

/// The engineer's visits (not cancelled) that touch `[from, to)`, in time order.
pub fn for_engineer_between(
    conn: &mut DbConnection,
    engineer_id: &UserId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<VisitRow>, AppError> {
    Ok(visits::table
        .filter(visits::engineer_id.eq(engineer_id))
        .filter(visits::status.ne(VisitStatus::Cancelled.as_str()))
        .filter(visits::planned_start.lt(to))
        .filter(visits::planned_end.gt(from))
        .order(visits::planned_start.asc())
        .select(VisitRow::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, id: &VisitId) -> Result<Option<VisitRow>, AppError> {
    Ok(visits::table
        .find(id)
        .select(VisitRow::as_select())
        .first(conn)
        .optional()?)
}

/// Holds the engineer's calendar for the rest of the transaction, so two bookings
/// into one engineer's day cannot both pass the clash check.
///
/// PostgreSQL locks the engineer's row; SQLite already holds the database write
/// lock from `BEGIN IMMEDIATE`.
pub fn lock_engineer(conn: &mut DbConnection, engineer_id: &UserId) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(engineer_id)
            .execute(pg)?;
    }
    Ok(())
}

/// The most recent finished visit of a customer's orders.
pub fn last_finished_for_orders(
    conn: &mut DbConnection,
    order_ids: &[String],
) -> Result<Option<Visit>, AppError> {
    let row: Option<(VisitRow, String)> = visits::table
        .inner_join(users::table)
        .filter(visits::work_order_id.eq_any(order_ids))
        .filter(visits::status.eq(VisitStatus::Finished.as_str()))
        .order(visits::finished_at.desc())
        .select((VisitRow::as_select(), users::name))
        .first(conn)
        .optional()?;
    row.map(|(v, name)| v.into_view(Some(name))).transpose()
}

/// Booked visits (nobody on the way yet) whose window ended before `before`:
/// (work order, customer, planned start).
pub fn booked_ending_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<Vec<(WorkOrderId, CustomerId, NaiveDateTime)>, AppError> {
    use super::schema::work_orders;
    Ok(visits::table
        .inner_join(work_orders::table)
        .filter(visits::status.eq(VisitStatus::Booked.as_str()))
        .filter(visits::planned_end.lt(before))
        .select((
            visits::work_order_id,
            work_orders::customer_id,
            visits::planned_start,
        ))
        .load(conn)?)
}

/// The order's most recently finished visit (the one a completion record certifies).
pub fn last_finished(
    conn: &mut DbConnection,
    work_order_id: &WorkOrderId,
) -> Result<Option<VisitRow>, AppError> {
    Ok(visits::table
        .filter(visits::work_order_id.eq(work_order_id))
        .filter(visits::status.eq(VisitStatus::Finished.as_str()))
        .order(visits::finished_at.desc())
        .select(VisitRow::as_select())
        .first(conn)
        .optional()?)
}

/// Booked visits starting in `[from, to)`: tomorrow's, for their reminders.
pub fn booked_starting_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<VisitRow>, AppError> {
    Ok(visits::table
        .filter(visits::status.eq(VisitStatus::Booked.as_str()))
        .filter(visits::planned_start.ge(from))
        .filter(visits::planned_start.lt(to))
        .order(visits::planned_start.asc())
        .select(VisitRow::as_select())
        .load(conn)?)
}

/// The live visits of some engineers that touch `[from, to)`, in time order:
/// one read for the whole self-scheduling board.
pub fn live_of_engineers_between(
    conn: &mut DbConnection,
    engineer_ids: &[UserId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<VisitRow>, AppError> {
    let ids: Vec<&str> = engineer_ids.iter().map(|i| i.as_str()).collect();
    Ok(visits::table
        .filter(visits::engineer_id.eq_any(ids))
        .filter(visits::status.eq_any(LIVE))
        .filter(visits::planned_start.lt(to))
        .filter(visits::planned_end.gt(from))
        .order((visits::planned_start.asc(), visits::id.asc()))
        .select(VisitRow::as_select())
        .load(conn)?)
}

/// Every engineer's live visits that touch `[from, to)`, by engineer and
/// time: one read for the day's load lists.
pub fn live_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<VisitRow>, AppError> {
    Ok(visits::table
        .filter(visits::status.eq_any(LIVE))
        .filter(visits::planned_start.lt(to))
        .filter(visits::planned_end.gt(from))
        .order((visits::engineer_id.asc(), visits::planned_start.asc()))
        .select(VisitRow::as_select())
        .load(conn)?)
}

/// The visits of some orders that were or are to be made (not cancelled), newest
/// first, with the engineer's name: the customer's own list of visits.
pub fn of_orders_with_engineer(
    conn: &mut DbConnection,
    order_ids: &[String],
) -> Result<Vec<(VisitRow, String)>, AppError> {
    Ok(visits::table
        .inner_join(users::table)
        .filter(visits::work_order_id.eq_any(order_ids))
        .filter(visits::status.ne(VisitStatus::Cancelled.as_str()))
        .order((visits::planned_start.desc(), visits::id.desc()))
        .limit(200)
        .select((VisitRow::as_select(), users::name))
        .load(conn)?)
}

/// The latest finished visits at a site, newest first, with their engineers'
/// names: what the engineer reads of the last times there before leaving.
pub fn last_at_site(
    conn: &mut DbConnection,
    site_id: &str,
    except: &VisitId,
    limit: i64,
) -> Result<Vec<(VisitRow, String)>, AppError> {
    use super::schema::work_orders;
    Ok(visits::table
        .inner_join(work_orders::table)
        .inner_join(users::table)
        .filter(work_orders::site_id.eq(site_id))
        .filter(visits::finished_at.is_not_null())
        .filter(visits::id.ne(except.as_str()))
        .order(visits::finished_at.desc())
        .limit(limit)
        .select((VisitRow::as_select(), users::name))
        .load(conn)?)
}
