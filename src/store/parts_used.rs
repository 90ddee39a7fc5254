//! Parts used at visits as stored for the analytics: one row per visit and
//! catalogue part, with its local month and its totals, summed in SQL.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::schema::parts_used;
use super::DbConnection;
use crate::core::ids::{PartId, UserId, VisitId, WorkOrderId};
use crate::error::AppError;

/// One part used at one visit.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = parts_used)]
pub struct PartUsedRow {
    pub visit_id: VisitId,
    pub part_id: PartId,
    pub work_order_id: WorkOrderId,
    pub engineer_id: UserId,
    pub used_at: NaiveDateTime,
    /// `YYYY-MM` in the company's zone.
    pub month: String,
    /// Thousandths of the part's unit.
    pub quantity: i64,
    pub revenue: i64,
    pub cost: i64,
    pub currency: String,
}

pub fn insert(conn: &mut DbConnection, rows: &[PartUsedRow]) -> Result<(), AppError> {
    let rows = rows.to_vec();
    crate::store::multi_row_insert!(conn, parts_used::table, rows);
    Ok(())
}

/// What a group of rows adds up to.
#[derive(Debug, QueryableByName)]
pub struct Sum {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
    #[diesel(sql_type = BigInt)]
    pub revenue: i64,
    #[diesel(sql_type = BigInt)]
    pub cost: i64,
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy)]
pub enum By {
    Part,
    Engineer,
    Month,
}

/// The sums of the rows used in `[from, to)` in one currency, by part,
/// engineer or local month.
pub fn sums(
    conn: &mut DbConnection,
    by: By,
    from: NaiveDateTime,
    to: NaiveDateTime,
    currency: &str,
) -> Result<Vec<Sum>, AppError> {
    let key = match by {
        By::Part => "part_id",
        By::Engineer => "engineer_id",
        By::Month => "month",
    };
    let sql = format!(
        "SELECT {key} AS key, CAST(SUM(quantity) AS BIGINT) AS quantity, \
         CAST(SUM(revenue) AS BIGINT) AS revenue, CAST(SUM(cost) AS BIGINT) AS cost \
         FROM parts_used WHERE used_at >= $1 AND used_at < $2 AND currency = $3 \
         GROUP BY {key} ORDER BY {key}"
    );
    Ok(diesel::sql_query(sql)
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .bind::<Text, _>(currency)
        .load(conn)?)
}
