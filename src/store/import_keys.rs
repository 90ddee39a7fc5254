//! The other system's ids of imported rows: what makes a second import an update.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::import_keys;
use super::DbConnection;
use crate::error::AppError;

#[derive(Insertable)]
#[diesel(table_name = import_keys)]
struct KeyRow<'a> {
    source: &'a str,
    entity: &'a str,
    external_id: &'a str,
    id: &'a str,
    imported_at: NaiveDateTime,
}

/// Every external id of one kind from one source, with our id.
pub fn known(
    conn: &mut DbConnection,
    source: &str,
    entity: &str,
) -> Result<HashMap<String, String>, AppError> {
    Ok(import_keys::table
        .filter(import_keys::source.eq(source))
        .filter(import_keys::entity.eq(entity))
        .select((import_keys::external_id, import_keys::id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// Notes new external ids; a few hundred rows a statement.
pub fn add(
    conn: &mut DbConnection,
    source: &str,
    entity: &str,
    keys: &[(String, String)],
    at: NaiveDateTime,
) -> Result<(), AppError> {
    for chunk in keys.chunks(500) {
        let rows: Vec<KeyRow> = chunk
            .iter()
            .map(|(external_id, id)| KeyRow {
                source,
                entity,
                external_id,
                id,
                imported_at: at,
            })
            .collect();
        crate::store::multi_row_insert!(conn, import_keys::table, rows);
    }
    Ok(())
}
