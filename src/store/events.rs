//! The timeline: one row per change, written in the same transaction as the change.

use crate::core::ids::CustomerId;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::page::{Page, PageRequest};
use super::schema::{events, users};
use super::{now, utc, DbConnection};
use crate::core::ids;
use crate::error::AppError;
use crate::store::page::keyset_page;

/// What to record: who did what to which record, and what changed.
pub struct NewEvent<'a> {
    pub actor_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub changes: Value,
}

#[derive(Insertable)]
#[diesel(table_name = events)]
struct EventRow<'a> {
    id: String,
    occurred_at: chrono::NaiveDateTime,
    actor_id: Option<&'a str>,
    customer_id: Option<&'a str>,
    entity_type: &'a str,
    entity_id: &'a str,
    action: &'a str,
    changes: String,
}

impl<'a> EventRow<'a> {
    fn new(event: &NewEvent<'a>) -> Self {
        EventRow {
            id: ids::new_id(),
            occurred_at: now(),
            actor_id: event.actor_id,
            customer_id: event.customer_id,
            entity_type: event.entity_type,
            entity_id: event.entity_id,
            action: event.action,
            changes: event.changes.to_string(),
        }
    }
}

/// Writes one event; call it inside the transaction of the change it describes.
pub fn record(conn: &mut DbConnection, event: NewEvent<'_>) -> Result<(), AppError> {
    diesel::insert_into(events::table)
        .values(EventRow::new(&event))
        .execute(conn)?;
    Ok(())
}

/// Writes many events in multi-row statements (for jobs that change many records).
pub fn record_many(conn: &mut DbConnection, batch: &[NewEvent<'_>]) -> Result<(), AppError> {
    for chunk in batch.chunks(500) {
        let rows: Vec<EventRow> = chunk.iter().map(EventRow::new).collect();
        crate::store::multi_row_insert!(conn, events::table, rows);
    }
    Ok(())
}

/// One entry of a timeline as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    pub id: String,
    pub occurred_at: DateTime<Utc>,
    /// Who did it; absent for the system (scheduler, import).
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub entity_type: String,
    pub entity_id: String,
    /// `created`, `updated`, `archived`, `restored`, or a work-order action.
    pub action: String,
    /// `{"field": {"from": old, "to": new}}` for changes; details for actions.
    #[schema(value_type = Object)]
    pub changes: Value,
}

type EventTuple = (
    String,
    chrono::NaiveDateTime,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
);

/// A customer's events, newest first.
pub fn customer_timeline(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
    page: &PageRequest,
) -> Result<Page<Event>, AppError> {
    let query = events::table
        .left_join(users::table)
        .filter(events::customer_id.eq(customer_id))
        .select((
            events::id,
            events::occurred_at,
            events::actor_id,
            users::name.nullable(),
            events::entity_type,
            events::entity_id,
            events::action,
            events::changes,
        ))
        .into_boxed();
    let rows: Vec<EventTuple> = keyset_page!(query, events::id, page).load(conn)?;
    Page::from_rows(rows, page, |r| &r.0).try_map(
        |(id, at, actor_id, actor_name, entity_type, entity_id, action, changes)| {
            Ok(Event {
                changes: super::decoded_json(&changes, "event changes", &id)?,
                id,
                occurred_at: utc(at),
                actor_id,
                actor_name,
                entity_type,
                entity_id,
                action,
            })
        },
    )
}

/// Whether the order's latest booking (schedule or reschedule) was the
/// customer's own, through their link: such events name no staff member.
pub fn last_action_by_customer(
    conn: &mut DbConnection,
    work_order_id: &ids::WorkOrderId,
) -> Result<bool, AppError> {
    let actor: Option<Option<String>> = events::table
        .filter(events::entity_type.eq("work_order"))
        .filter(events::entity_id.eq(work_order_id.as_str()))
        .filter(events::action.eq_any(["schedule", "reschedule"]))
        .order((events::occurred_at.desc(), events::id.desc()))
        .select(events::actor_id)
        .first(conn)
        .optional()?;
    Ok(matches!(actor, Some(None)))
}
