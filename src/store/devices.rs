//! Devices registered on equipment, and the signatures of their recent
//! requests (a replayed request is one whose signature was seen).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{device_signatures, devices};
use super::DbConnection;
use crate::core::ids::{CustomerId, DeviceId, EquipmentId};
use crate::error::AppError;

/// A device as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = devices)]
pub struct DeviceRow {
    pub id: DeviceId,
    pub equipment_id: EquipmentId,
    pub customer_id: CustomerId,
    pub name: String,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_seen_at: Option<NaiveDateTime>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &DeviceRow) -> Result<(), AppError> {
    diesel::insert_into(devices::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &DeviceId) -> Result<Option<DeviceRow>, AppError> {
    Ok(devices::table
        .find(id.as_str())
        .select(DeviceRow::as_select())
        .first(conn)
        .optional()?)
}

/// A piece's devices, revoked ones too, in the order they were registered.
pub fn of_equipment(
    conn: &mut DbConnection,
    equipment_id: &EquipmentId,
) -> Result<Vec<DeviceRow>, AppError> {
    Ok(devices::table
        .filter(devices::equipment_id.eq(equipment_id.as_str()))
        .order(devices::id.asc())
        .limit(100)
        .select(DeviceRow::as_select())
        .load(conn)?)
}

pub fn revoke(conn: &mut DbConnection, id: &DeviceId, at: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(devices::table.find(id.as_str()))
        .set(devices::revoked_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

pub fn seen(conn: &mut DbConnection, id: &DeviceId, at: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(devices::table.find(id.as_str()))
        .set(devices::last_seen_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

/// Keeps a request's signature; `false` when it was seen before (a replay).
pub fn first_time(
    conn: &mut DbConnection,
    id: &DeviceId,
    signature: &str,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    let row = (
        device_signatures::device_id.eq(id.as_str()),
        device_signatures::signature.eq(signature),
        device_signatures::seen_at.eq(at),
    );
    let n = match conn {
        DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(device_signatures::table)
            .values(row)
            .execute(c)?,
        DbConnection::Postgresql(c) => diesel::insert_into(device_signatures::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(n == 1)
}

/// Forgets signatures seen before `before` (of one device, or of all):
/// a request that old is refused by its timestamp anyway.
pub fn forget_signatures_before(
    conn: &mut DbConnection,
    device: Option<&DeviceId>,
    before: NaiveDateTime,
) -> Result<usize, AppError> {
    let old = device_signatures::table.filter(device_signatures::seen_at.lt(before));
    Ok(match device {
        Some(id) => diesel::delete(old.filter(device_signatures::device_id.eq(id.as_str())))
            .execute(conn)?,
        None => diesel::delete(old).execute(conn)?,
    })
}
