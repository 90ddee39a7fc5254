//! Agreements table: promises kept on the customer card.

use crate::core::ids::CustomerId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::agreements;
use super::{now, utc, DbConnection};
use crate::core::agreement::{Agreement, AgreementKind, AgreementStatus};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = agreements, treat_none_as_null = true)]
pub struct AgreementRow {
    pub id: String,
    pub customer_id: String,
    pub kind: AgreementKind,
    pub text: String,
    pub amount: Option<i64>,
    pub currency: String,
    pub percent: Option<f64>,
    pub valid_until: Option<chrono::NaiveDate>,
    pub follow_up_on: Option<chrono::NaiveDate>,
    pub status: AgreementStatus,
    pub honoured_work_order_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AgreementRow {
    /// The agreement as the API shows it.
    pub fn into_view(self) -> Result<Agreement, AppError> {
        Ok(Agreement {
            kind: self.kind,
            status: self.status,
            id: self.id,
            customer_id: self.customer_id,
            text: self.text,
            amount: self.amount,
            currency: self.currency,
            percent: self.percent,
            valid_until: self.valid_until,
            follow_up_on: self.follow_up_on,
            honoured_work_order_id: self.honoured_work_order_id,
            created_by: self.created_by,
            created_at: utc(self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &AgreementRow) -> Result<(), AppError> {
    diesel::insert_into(agreements::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<AgreementRow>, AppError> {
    Ok(agreements::table
        .find(id)
        .select(AgreementRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks the promise kept by a work order.
pub fn honour(conn: &mut DbConnection, id: &str, work_order_id: &str) -> Result<(), AppError> {
    diesel::update(agreements::table.find(id))
        .set((
            agreements::status.eq(AgreementStatus::Honoured.as_str()),
            agreements::honoured_work_order_id.eq(work_order_id),
            agreements::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A customer's agreements, active first, newest first within each.
pub fn for_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<Agreement>, AppError> {
    let rows: Vec<AgreementRow> = agreements::table
        .filter(agreements::customer_id.eq(customer_id))
        .order((agreements::status.asc(), agreements::id.desc()))
        .limit(200)
        .select(AgreementRow::as_select())
        .load(conn)?;
    rows.into_iter().map(AgreementRow::into_view).collect()
}
