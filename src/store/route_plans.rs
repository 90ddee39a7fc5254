//! Saved route proposals: what the planner offered, and which engineers' days were accepted.

use crate::core::ids::RoutePlanId;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::route_plans;
use super::DbConnection;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = route_plans)]
pub struct RoutePlanRow {
    pub id: String,
    pub created_by: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub status: String,
    /// The proposal as JSON (`routing::planner::Plan`).
    pub proposal: String,
    /// JSON list of engineer ids whose routes were booked.
    pub accepted_engineer_ids: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &RoutePlanRow) -> Result<(), AppError> {
    diesel::insert_into(route_plans::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &RoutePlanId) -> Result<Option<RoutePlanRow>, AppError> {
    Ok(route_plans::table
        .find(id)
        .select(RoutePlanRow::as_select())
        .first(conn)
        .optional()?)
}

/// Saves acceptance, only if nobody accepted in between (`status` as read).
pub fn save_accepted(
    conn: &mut DbConnection,
    row: &RoutePlanRow,
    read_accepted: &str,
) -> Result<bool, AppError> {
    Ok(diesel::update(
        route_plans::table
            .find(&row.id)
            .filter(route_plans::accepted_engineer_ids.eq(read_accepted)),
    )
    .set((
        route_plans::status.eq(&row.status),
        route_plans::accepted_engineer_ids.eq(&row.accepted_engineer_ids),
        route_plans::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?
        == 1)
}
