//! Low-stock alerts as stored: a row per (location, part) while it runs low.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::stock_alerts;
use super::stock::LevelRow;
use super::DbConnection;
use crate::core::ids::{LocationId, PartId};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_alerts)]
pub struct AlertRow {
    pub location_id: LocationId,
    pub part_id: PartId,
    pub since: NaiveDateTime,
}

/// Opens the alerts not open yet (two actions at once open one).
pub fn open(conn: &mut DbConnection, rows: &[AlertRow]) -> Result<(), AppError> {
    for chunk in rows.chunks(500) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(stock_alerts::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(stock_alerts::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(())
}

/// Closes the alerts of some parts at a location, if open.
pub fn close(
    conn: &mut DbConnection,
    location: &LocationId,
    parts: &[PartId],
) -> Result<(), AppError> {
    for chunk in parts.chunks(500) {
        let keys: Vec<&str> = chunk.iter().map(PartId::as_str).collect();
        diesel::delete(
            stock_alerts::table
                .filter(stock_alerts::location_id.eq(location.as_str()))
                .filter(stock_alerts::part_id.eq_any(keys)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Every open alert with its level, oldest first (a company has tens, not thousands).
pub fn all(conn: &mut DbConnection) -> Result<Vec<(AlertRow, LevelRow)>, AppError> {
    use super::schema::stock_levels;
    Ok(stock_alerts::table
        .inner_join(
            stock_levels::table.on(stock_levels::location_id
                .eq(stock_alerts::location_id)
                .and(stock_levels::part_id.eq(stock_alerts::part_id))),
        )
        .order((stock_alerts::since.asc(), stock_alerts::part_id.asc()))
        .limit(10_000)
        .select((AlertRow::as_select(), LevelRow::as_select()))
        .load(conn)?)
}
