//! Devices on equipment that send their meters' readings themselves: the
//! owner or an administrator registers one (and gets its key, once) and
//! revokes it; a device's batch is taken whole or not at all, each reading
//! checked as if it were entered by hand, a replayed batch refused.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{event, Actor};
use crate::core::device::{DeviceBatch, DeviceKeys};
use crate::core::ids::{DeviceId, EquipmentId, MeterId};
use crate::core::meter::{NewReading, ReadingSource};
use crate::core::text;
use crate::error::AppError;
use crate::store::devices::{self, DeviceRow};
use crate::store::equipment::EquipmentRepo;
use crate::store::records::get;
use crate::store::{meters, now, transaction, utc, DbConnection};

/// A device as the API shows it (never its key).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Device {
    pub id: DeviceId,
    pub equipment_id: EquipmentId,
    pub name: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<DeviceRow> for Device {
    fn from(r: DeviceRow) -> Self {
        Device {
            id: r.id,
            equipment_id: r.equipment_id,
            name: r.name,
            revoked_at: r.revoked_at.map(utc),
            last_seen_at: r.last_seen_at.map(utc),
            created_at: utc(r.created_at),
        }
    }
}

/// A device just registered, with the key to put into it (shown this once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Registered {
    #[serde(flatten)]
    pub device: Device,
    /// The HMAC-SHA-256 key the device signs with (64 hex characters).
    pub key: String,
}

fn not_found() -> AppError {
    AppError::NotFound { entity: "device" }
}

/// Registers a device on a piece; on the customer's timeline.
pub fn register(
    conn: &mut DbConnection,
    actor: &Actor,
    keys: &DeviceKeys,
    equipment_id: &EquipmentId,
    name: &str,
) -> Result<Registered, AppError> {
    let name = text::required("name", name, text::SHORT)?;
    transaction(conn, |conn| {
        let piece = get::<EquipmentRepo>(conn, equipment_id)?;
        let row = DeviceRow {
            id: DeviceId::new(),
            equipment_id: equipment_id.clone(),
            customer_id: crate::core::ids::typed(&piece.customer_id, "customer_id")?,
            name: name.clone(),
            revoked_at: None,
            last_seen_at: None,
            created_by: actor.account().map(ToString::to_string),
            created_at: now(),
        };
        devices::insert(conn, &row)?;
        event(
            conn,
            actor,
            &row.customer_id,
            "equipment",
            equipment_id,
            "device_registered",
            json!({"device_id": row.id, "name": row.name}),
        )?;
        Ok(Registered {
            key: keys.key_of(row.id.as_str()),
            device: row.into(),
        })
    })
}

/// A piece's devices.
pub fn of_equipment(
    conn: &mut DbConnection,
    equipment_id: &EquipmentId,
) -> Result<Vec<Device>, AppError> {
    get::<EquipmentRepo>(conn, equipment_id)?;
    Ok(devices::of_equipment(conn, equipment_id)?
        .into_iter()
        .map(Device::from)
        .collect())
}

/// Revokes a device: its requests are refused from now on.
pub fn revoke(conn: &mut DbConnection, actor: &Actor, id: &DeviceId) -> Result<Device, AppError> {
    transaction(conn, |conn| {
        let mut row = devices::find(conn, id)?.ok_or_else(not_found)?;
        if row.revoked_at.is_none() {
            let at = now();
            devices::revoke(conn, id, at)?;
            row.revoked_at = Some(at);
            event(
                conn,
                actor,
                &row.customer_id,
                "equipment",
                &row.equipment_id,
                "device_revoked",
                json!({"device_id": row.id}),
            )?;
        }
        Ok(row.into())
    })
}

/// How long a request's signature is remembered: past it, its timestamp refuses it.
pub fn signatures_kept() -> chrono::Duration {
    chrono::Duration::seconds(2 * crate::core::device::TOLERANCE_SECONDS)
}

/// What a batch did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Taken {
    /// Readings stored now.
    pub accepted: usize,
    /// Readings already stored (the same value at the same moment).
    pub duplicates: usize,
}

/// The device a signed request comes from, if it may send: 401 for an
/// unknown or revoked one (a device cannot tell them apart, and need not).
pub fn sender(conn: &mut DbConnection, id: &DeviceId) -> Result<DeviceRow, AppError> {
    devices::find(conn, id)?
        .filter(|d| d.revoked_at.is_none())
        .ok_or_else(|| AppError::Unauthorized {
            code: "device_unknown",
            message: "this device is not registered or was revoked".into(),
        })
}

/// Takes a verified batch from a device: every reading is for a meter of the
/// device's equipment and fits it, or nothing is stored (422 naming
/// `readings[i]…`); a signature seen before is a replay (409).
pub fn ingest(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &DeviceId,
    signature: &str,
    batch: &DeviceBatch,
) -> Result<Taken, AppError> {
    batch.check()?;
    transaction(conn, |conn| {
        let device = sender(conn, id)?;
        let at = now();
        if !devices::first_time(conn, id, signature, at)? {
            return Err(AppError::conflict(
                "replayed",
                "this request was taken already; sign each request anew",
            ));
        }
        let own: Vec<_> = meters::of_equipment(conn, &device.equipment_id)?
            .into_iter()
            .map(|m| m.id)
            .collect();
        // Each meter's readings together, named by their places in the batch.
        let mut by_meter: Vec<(&MeterId, Vec<usize>)> = Vec::new();
        for (i, r) in batch.readings.iter().enumerate() {
            if !own.contains(&r.meter_id) {
                return Err(AppError::invalid(
                    format!("readings[{i}].meter_id"),
                    "is not a meter of this device's equipment",
                ));
            }
            match by_meter.iter_mut().find(|(m, _)| **m == r.meter_id) {
                Some((_, places)) => places.push(i),
                None => by_meter.push((&r.meter_id, vec![i])),
            }
        }
        let mut taken = Taken {
            accepted: 0,
            duplicates: 0,
        };
        for (meter_id, places) in by_meter {
            let sent: Vec<NewReading> = places
                .iter()
                .map(|&i| {
                    let r = &batch.readings[i];
                    NewReading {
                        value: r.value,
                        read_at: Some(r.read_at),
                        kind: r.kind,
                    }
                })
                .collect();
            let answers = super::meters::record_many(
                conn,
                actor,
                meter_id,
                &sent,
                ReadingSource::Device,
                |k, e| at_index(e, places[k]),
            )?;
            for (_, created) in answers {
                if created {
                    taken.accepted += 1;
                } else {
                    taken.duplicates += 1;
                }
            }
        }
        devices::seen(conn, id, at)?;
        devices::forget_signatures_before(conn, Some(id), at - signatures_kept())?;
        Ok(taken)
    })
}

/// A reading's error, named by its place in the batch.
fn at_index(e: AppError, i: usize) -> AppError {
    match e {
        AppError::Invalid(v) => AppError::invalid(format!("readings[{i}].{}", v.field), v.message),
        AppError::Conflict { code, message, .. } => {
            AppError::conflict(code, format!("readings[{i}]: {message}"))
        }
        e => e,
    }
}
