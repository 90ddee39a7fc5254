//! The company's saved settings: one row, with a version that goes up on each save.

use diesel::prelude::*;

use super::schema::company_settings as cs;
use super::{now, DbConnection};
use crate::error::AppError;

const ROW: &str = "company";

/// The saved settings (JSON, secrets included) and their version.
pub fn load(conn: &mut DbConnection) -> Result<Option<(String, i64)>, AppError> {
    Ok(cs::table
        .find(ROW)
        .select((cs::settings, cs::version))
        .first(conn)
        .optional()?)
}

/// The saved version alone: cheap enough to ask every few seconds.
pub fn version(conn: &mut DbConnection) -> Result<Option<i64>, AppError> {
    Ok(cs::table
        .find(ROW)
        .select(cs::version)
        .first(conn)
        .optional()?)
}

/// Saves the settings as the next version; returns it.
pub fn save(conn: &mut DbConnection, settings: &str, user_id: &str) -> Result<i64, AppError> {
    let next = version(conn)?.unwrap_or(0) + 1;
    let updated = diesel::update(cs::table.find(ROW))
        .set((
            cs::settings.eq(settings),
            cs::version.eq(next),
            cs::updated_by.eq(user_id),
            cs::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(cs::table)
            .values((
                cs::id.eq(ROW),
                cs::settings.eq(settings),
                cs::version.eq(next),
                cs::updated_by.eq(user_id),
                cs::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(next)
}
