//! The audit trail: one row per change a request asked for, written before the
//! answer leaves, so the owner can see who did what, when and from where.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::page::{Page, PageRequest};
use super::schema::{audit_events, users};
use super::{now, utc, DbConnection};
use crate::core::ids;
use crate::error::AppError;
use crate::store::page::keyset_page;

/// One request that asked for a change, as the middleware saw it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent {
    pub request_id: String,
    pub user_id: Option<String>,
    pub method: String,
    /// The route's pattern: `/api/v1/customers/{id}`.
    pub route: String,
    /// The pattern with its ids filled in and its secrets (link tokens) left out.
    pub path: String,
    pub status: i32,
    /// The peer's address.
    pub address: String,
    /// `X-Forwarded-For` as it came (a proxy's word, not checked).
    pub forwarded_for: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct Row {
    id: String,
    at: NaiveDateTime,
    #[diesel(embed)]
    event: NewAuditEvent,
}

/// Writes one entry.
pub fn record(conn: &mut DbConnection, event: NewAuditEvent) -> Result<(), AppError> {
    diesel::insert_into(audit_events::table)
        .values(Row {
            id: ids::new_id(),
            at: now(),
            event,
        })
        .execute(conn)?;
    Ok(())
}

/// One entry as the owner reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: String,
    pub at: DateTime<Utc>,
    pub request_id: String,
    /// Who asked; absent for a customer's link or a failed sign-in.
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub method: String,
    pub route: String,
    pub path: String,
    pub status: i32,
    pub address: String,
    pub forwarded_for: Option<String>,
    pub user_agent: Option<String>,
}

type AuditTuple = (
    String,
    NaiveDateTime,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    i32,
    String,
    Option<String>,
    Option<String>,
);

/// The trail, newest first, of everyone or of one user.
pub fn list(
    conn: &mut DbConnection,
    user_id: Option<&str>,
    page: &PageRequest,
) -> Result<Page<AuditEvent>, AppError> {
    let mut query = audit_events::table
        .left_join(users::table)
        .select((
            audit_events::id,
            audit_events::at,
            audit_events::request_id,
            audit_events::user_id,
            users::name.nullable(),
            audit_events::method,
            audit_events::route,
            audit_events::path,
            audit_events::status,
            audit_events::address,
            audit_events::forwarded_for,
            audit_events::user_agent,
        ))
        .into_boxed();
    if let Some(user_id) = user_id {
        query = query.filter(audit_events::user_id.eq(user_id.to_owned()));
    }
    let rows: Vec<AuditTuple> = keyset_page!(query, audit_events::id, page).load(conn)?;
    Ok(Page::from_rows(rows, page, |r| &r.0).map(
        |(
            id,
            at,
            request_id,
            user_id,
            user_name,
            method,
            route,
            path,
            status,
            address,
            forwarded_for,
            user_agent,
        )| AuditEvent {
            id,
            at: utc(at),
            request_id,
            user_id,
            user_name,
            method,
            route,
            path,
            status,
            address,
            forwarded_for,
            user_agent,
        },
    ))
}
