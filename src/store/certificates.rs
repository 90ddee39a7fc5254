//! Certificates table and the yearly counter behind their numbers.

use crate::core::ids::WorkOrderId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Integer;

use super::schema::certificates;
use super::{utc, DbConnection};
use crate::core::certificate::CertificateInfo;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = certificates)]
pub struct CertificateRow {
    pub id: String,
    pub work_order_id: String,
    pub number: String,
    pub year: i32,
    pub sequence: i32,
    /// The stored PDF's key in the file store.
    pub file_key: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub locale: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

impl CertificateRow {
    pub fn info(&self) -> CertificateInfo {
        CertificateInfo {
            number: self.number.clone(),
            sha256: self.sha256.clone(),
            size_bytes: self.size_bytes,
            created_at: utc(self.created_at),
        }
    }
}

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = Integer)]
    last_number: i32,
}

/// The next number of the year. Call it inside the certifying transaction: the
/// counter row stays locked until commit, and a rollback gives the number back.
pub fn next_number(conn: &mut DbConnection, year: i32) -> Result<i32, AppError> {
    const SQLITE: &str = "INSERT INTO certificate_counters (year, last_number) VALUES (?, 1) \
        ON CONFLICT (year) DO UPDATE SET last_number = certificate_counters.last_number + 1 \
        RETURNING last_number";
    const POSTGRES: &str = "INSERT INTO certificate_counters (year, last_number) VALUES ($1, 1) \
        ON CONFLICT (year) DO UPDATE SET last_number = certificate_counters.last_number + 1 \
        RETURNING last_number";
    let counter: Counter = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(SQLITE)
            .bind::<Integer, _>(year)
            .get_result(c)?,
        DbConnection::Postgresql(c) => diesel::sql_query(POSTGRES)
            .bind::<Integer, _>(year)
            .get_result(c)?,
    };
    Ok(counter.last_number)
}

pub fn insert(conn: &mut DbConnection, row: &CertificateRow) -> Result<(), AppError> {
    diesel::insert_into(certificates::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Writes a certificate over the one with the same id, if any: an import's
/// second run brings the other system's corrections.
pub fn replace(conn: &mut DbConnection, row: &CertificateRow) -> Result<(), AppError> {
    diesel::delete(certificates::table.find(&row.id)).execute(conn)?;
    insert(conn, row)
}

/// The order's newest certificate (an order certified again after a reopen has several).
pub fn latest_for_order(
    conn: &mut DbConnection,
    work_order_id: &WorkOrderId,
) -> Result<Option<CertificateRow>, AppError> {
    Ok(certificates::table
        .filter(certificates::work_order_id.eq(work_order_id))
        .order(certificates::created_at.desc())
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()?)
}

/// The certificates of some orders, newest first: the customer card's list.
pub fn for_orders(
    conn: &mut DbConnection,
    work_order_ids: &[String],
) -> Result<Vec<CertificateRow>, AppError> {
    Ok(certificates::table
        .filter(certificates::work_order_id.eq_any(work_order_ids))
        .order(certificates::created_at.desc())
        .limit(100)
        .select(CertificateRow::as_select())
        .load(conn)?)
}

/// The certificate with this number, if any.
pub fn by_number(
    conn: &mut DbConnection,
    number: &str,
) -> Result<Option<CertificateRow>, AppError> {
    Ok(certificates::table
        .filter(certificates::number.eq(number))
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()?)
}
