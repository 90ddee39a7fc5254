//! Reminders table: the manager's inbox, due soonest first.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::page::{contains_pattern, Page};
use super::schema::{customers, reminders, sites};
use super::{now, utc, DbConnection};
use crate::core::customer::Segment;
use crate::core::ids::{self, CustomerId, PlanId, ReminderId};
use crate::core::reminder::{Reminder, ReminderKind, ReminderStatus};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = reminders, treat_none_as_null = true)]
pub struct ReminderRow {
    pub id: ReminderId,
    pub customer_id: CustomerId,
    pub kind: ReminderKind,
    pub status: ReminderStatus,
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub equipment_id: Option<String>,
    pub agreement_id: Option<String>,
    pub work_order_id: Option<String>,
    pub converted_work_order_id: Option<String>,
    pub snoozed_until: Option<NaiveDate>,
    pub dismiss_reason: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The maintenance plan that produced it; (plan, due date) is unique.
    pub plan_id: Option<PlanId>,
    /// The moment a reminder the system raised is about; its note is written
    /// from it when read.
    pub about_at: Option<NaiveDateTime>,
    /// Late already when raised (a meter far past its threshold).
    pub urgent: bool,
}

impl ReminderRow {
    /// A new open reminder.
    pub fn new(
        customer_id: &CustomerId,
        kind: ReminderKind,
        due_on: NaiveDate,
        note: Option<String>,
        created_by: Option<&str>,
    ) -> Self {
        let at = now();
        ReminderRow {
            id: ReminderId::new(),
            customer_id: customer_id.clone(),
            kind,
            status: ReminderStatus::Open,
            due_on,
            note,
            equipment_id: None,
            agreement_id: None,
            work_order_id: None,
            converted_work_order_id: None,
            snoozed_until: None,
            dismiss_reason: None,
            created_by: created_by.map(str::to_owned),
            created_at: at,
            updated_at: at,
            plan_id: None,
            about_at: None,
            urgent: false,
        }
    }

    /// The reminder as the API shows it.
    pub fn into_view(self, customer_name: Option<String>) -> Result<Reminder, AppError> {
        Ok(Reminder {
            kind: self.kind,
            status: self.status,
            id: self.id,
            customer_id: self.customer_id.into_string(),
            customer_name,
            due_on: self.due_on,
            note: self.note,
            equipment_id: self.equipment_id,
            agreement_id: self.agreement_id,
            work_order_id: self.work_order_id,
            converted_work_order_id: self.converted_work_order_id,
            snoozed_until: self.snoozed_until,
            dismiss_reason: self.dismiss_reason,
            plan_id: self.plan_id.map(PlanId::into_string),
            about_at: self.about_at.map(utc),
            urgent: self.urgent,
            created_at: utc(self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &ReminderRow) -> Result<(), AppError> {
    diesel::insert_into(reminders::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Inserts unless a reminder of the same plan and due date exists; true when inserted.
///
/// The unique key (plan_id, due_on) makes generation idempotent, also when two
/// instances run it at once; the statement differs per backend.
pub fn insert_if_absent(conn: &mut DbConnection, row: &ReminderRow) -> Result<bool, AppError> {
    let n = match conn {
        DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(reminders::table)
            .values(row)
            .execute(c)?,
        DbConnection::Postgresql(c) => diesel::insert_into(reminders::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(n == 1)
}

/// As [`insert_if_absent`] for many rows; returns the ids actually inserted.
///
/// PostgreSQL gets multi-row statements (a round trip saved per row); SQLite, in
/// process, one statement per row (its batch insert cannot tell which were ignored).
pub fn insert_many_if_absent(
    conn: &mut DbConnection,
    rows: &[ReminderRow],
) -> Result<Vec<ReminderId>, AppError> {
    let mut inserted = Vec::new();
    match conn {
        DbConnection::Sqlite(_) => {
            for row in rows {
                if insert_if_absent(conn, row)? {
                    inserted.push(row.id.clone());
                }
            }
        }
        DbConnection::Postgresql(c) => {
            for chunk in rows.chunks(500) {
                let mut ids: Vec<ReminderId> = diesel::insert_into(reminders::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .returning(reminders::id)
                    .get_results(c)?;
                inserted.append(&mut ids);
            }
        }
    }
    Ok(inserted)
}

pub fn find(conn: &mut DbConnection, id: &ReminderId) -> Result<Option<ReminderRow>, AppError> {
    Ok(reminders::table
        .find(id)
        .select(ReminderRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn save(conn: &mut DbConnection, row: &mut ReminderRow) -> Result<(), AppError> {
    row.updated_at = now();
    diesel::update(reminders::table.find(&row.id))
        .set(&*row)
        .execute(conn)?;
    // The funnel counts a reminder on the day it was written.
    super::rollups::forget(conn, [row.created_at])
}

/// Filters of the inbox.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReminderFilter {
    /// Only reminders due on or before this day.
    pub due_before: Option<NaiveDate>,
    pub segment: Option<Segment>,
    /// Customers with a site in this city (part of the name, any case).
    pub city: Option<String>,
    pub kind: Option<ReminderKind>,
    pub customer_id: Option<String>,
    /// `open` by default (with snoozed ones whose snooze has ended); `snoozed`, `dismissed`, `converted`.
    pub status: Option<ReminderStatus>,
}

/// The inbox: soonest due first; the cursor is `due_on/id` of the last item.
pub fn inbox(
    conn: &mut DbConnection,
    filter: &ReminderFilter,
    today: NaiveDate,
    limit: i64,
    cursor: Option<&str>,
) -> Result<Page<Reminder>, AppError> {
    let mut query = reminders::table
        .inner_join(customers::table)
        .select((ReminderRow::as_select(), customers::name))
        .into_boxed();
    query = match filter.status.unwrap_or(ReminderStatus::Open) {
        ReminderStatus::Open => query.filter(
            reminders::status.eq("open").or(reminders::status
                .eq("snoozed")
                .and(reminders::snoozed_until.le(today))),
        ),
        other => query.filter(reminders::status.eq(other.as_str())),
    };
    if let Some(d) = filter.due_before {
        query = query.filter(reminders::due_on.le(d));
    }
    if let Some(s) = filter.segment {
        query = query.filter(customers::segment.eq(s.as_str()));
    }
    if let Some(k) = filter.kind {
        query = query.filter(reminders::kind.eq(k.as_str()));
    }
    if let Some(c) = &filter.customer_id {
        query = query.filter(reminders::customer_id.eq(c.to_lowercase()));
    }
    if let Some(city) = filter
        .city
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let in_city = sites::table
            .filter(sites::search_text.like(contains_pattern(city)).escape('\\'))
            .select(sites::customer_id);
        query = query.filter(reminders::customer_id.eq_any(in_city));
    }
    if let Some((due, id)) = cursor.and_then(parse_cursor) {
        query = query.filter(
            reminders::due_on
                .gt(due)
                .or(reminders::due_on.eq(due).and(reminders::id.gt(id))),
        );
    }
    let rows: Vec<(ReminderRow, String)> = query
        .order((reminders::due_on.asc(), reminders::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    let items: Vec<Reminder> = rows
        .into_iter()
        .take(limit as usize)
        .map(|(r, name)| r.into_view(Some(name)))
        .collect::<Result<_, _>>()?;
    let next_cursor = if more {
        items.last().map(|r| format!("{}/{}", r.due_on, r.id))
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}

/// Reads a `due_on/id` cursor.
pub fn parse_cursor(cursor: &str) -> Option<(NaiveDate, String)> {
    let (date, id) = cursor.split_once('/')?;
    Some((date.parse().ok()?, ids::parse_id(id)?))
}

/// The open reminder of a kind about a piece of equipment, if there is one.
pub fn open_about_equipment(
    conn: &mut DbConnection,
    kind: ReminderKind,
    equipment_id: &str,
) -> Result<Option<ReminderRow>, AppError> {
    Ok(reminders::table
        .filter(reminders::kind.eq(kind.as_str()))
        .filter(reminders::equipment_id.eq(equipment_id))
        .filter(reminders::status.eq_any(["open", "snoozed"]))
        .select(ReminderRow::as_select())
        .first(conn)
        .optional()?)
}

/// The plan's reminder that still waits, if there is one.
pub fn waiting_for_plan(
    conn: &mut DbConnection,
    plan_id: &PlanId,
) -> Result<Option<ReminderRow>, AppError> {
    Ok(reminders::table
        .filter(reminders::plan_id.eq(plan_id.as_str()))
        .filter(reminders::status.eq_any(["open", "snoozed"]))
        .order(reminders::due_on.asc())
        .select(ReminderRow::as_select())
        .first(conn)
        .optional()?)
}

/// A customer's reminders that still wait, soonest first.
pub fn open_for_customer(
    conn: &mut DbConnection,
    customer_id: &str,
) -> Result<Vec<Reminder>, AppError> {
    let rows: Vec<ReminderRow> = reminders::table
        .filter(reminders::customer_id.eq(customer_id))
        .filter(reminders::status.eq_any(["open", "snoozed"]))
        .order(reminders::due_on.asc())
        .limit(50)
        .select(ReminderRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|r| r.into_view(None)).collect()
}

/// Whether the plan has a reminder for this day, whatever its state (the
/// plan and day are unique together).
pub fn plan_has_day(
    conn: &mut DbConnection,
    plan_id: &PlanId,
    due_on: NaiveDate,
) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        reminders::table
            .filter(reminders::plan_id.eq(plan_id.as_str()))
            .filter(reminders::due_on.eq(due_on)),
    ))
    .get_result(conn)?)
}
