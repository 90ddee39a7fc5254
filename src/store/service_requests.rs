//! What a customer reported from the sticker on their equipment: the words,
//! the phone to call back and the photo, beside the reminder that carries the
//! request into the managers' inbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::service_requests;
use super::DbConnection;
use crate::core::ids::{CustomerId, EquipmentId, ReminderId};
use crate::error::AppError;

/// One request, keyed by its reminder.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = service_requests)]
pub struct ServiceRequestRow {
    pub reminder_id: ReminderId,
    pub equipment_id: EquipmentId,
    pub customer_id: CustomerId,
    pub what: String,
    /// E.164, as the customer gave it.
    pub callback_phone: Option<String>,
    /// The stored, downscaled photo.
    pub photo_key: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &ServiceRequestRow) -> Result<(), AppError> {
    diesel::insert_into(service_requests::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The request a reminder carries, if it carries one.
pub fn of_reminder(
    conn: &mut DbConnection,
    reminder_id: &ReminderId,
) -> Result<Option<ServiceRequestRow>, AppError> {
    Ok(service_requests::table
        .find(reminder_id.as_str())
        .select(ServiceRequestRow::as_select())
        .first(conn)
        .optional()?)
}

/// The requests behind these reminders (ids that carry none are left out).
pub fn of_reminders(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<ServiceRequestRow>, AppError> {
    Ok(service_requests::table
        .filter(service_requests::reminder_id.eq_any(ids))
        .select(ServiceRequestRow::as_select())
        .load(conn)?)
}
