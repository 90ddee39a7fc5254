//! Meters on equipment and their readings: adding a meter to a piece, and
//! recording a reading checked against its neighbours in time (a counter only
//! goes down by an explicit reset). A meter's view carries its last reading
//! and its daily rate, the ground of maintenance by use.

use chrono::{Duration, Utc};
use serde_json::json;

use super::{event, Actor};
use crate::core::ids::{EquipmentId, MeterId, ReadingId};
use crate::core::meter::{self, Meter, MeterFields, NewReading, Reading, ReadingSource};
use crate::core::reminder::ReminderKind;
use crate::error::AppError;
use crate::store::equipment::EquipmentRepo;
use crate::store::meters::{self, MeterRow, ReadingRow};
use crate::store::records::get;
use crate::store::reminders::{self, ReminderRow};
use crate::store::{naive, now, transaction, DbConnection};

/// The readings a meter's view and rate look at.
const RECENT: i64 = 500;

fn not_found() -> AppError {
    AppError::NotFound { entity: "meter" }
}

/// A meter's view: its last reading and its daily rate.
fn view(conn: &mut DbConnection, row: MeterRow) -> Result<Meter, AppError> {
    let now = Utc::now();
    let from = naive(now - Duration::days(meter::RATE_WINDOW_DAYS));
    let recent: Vec<Reading> = meters::since(conn, &row.id, from, RECENT)?
        .iter()
        .map(ReadingRow::view)
        .collect();
    let last = match recent.last() {
        Some(r) => Some(r.clone()),
        None => meters::latest(conn, &row.id, 1)?
            .first()
            .map(ReadingRow::view),
    };
    let daily_rate = match row.mode {
        meter::MeterMode::Cumulative => meter::daily_rate(&recent, now),
        meter::MeterMode::Gauge => None,
    };
    Ok(Meter {
        fields: row.fields(),
        id: row.id,
        equipment_id: row.equipment_id,
        customer_id: row.customer_id.to_string(),
        last,
        daily_rate,
        created_at: crate::store::utc(row.created_at),
    })
}

/// Adds a meter to a piece of equipment; on the customer's timeline.
pub fn add(
    conn: &mut DbConnection,
    actor: &Actor,
    equipment_id: &EquipmentId,
    fields: MeterFields,
) -> Result<Meter, AppError> {
    let fields = fields.normalise()?;
    transaction(conn, |conn| {
        let piece = get::<EquipmentRepo>(conn, equipment_id)?;
        if piece.archived_at.is_some() {
            return Err(AppError::conflict(
                "equipment_archived",
                "this equipment is archived; restore it to add a meter",
            ));
        }
        let customer_id = crate::core::ids::typed(&piece.customer_id, "customer_id")?;
        let at = now();
        let row = MeterRow {
            id: MeterId::new(),
            equipment_id: equipment_id.clone(),
            customer_id,
            kind: fields.kind,
            mode: fields.mode,
            unit: fields.unit.clone().unwrap_or_default(),
            name: fields.name.clone(),
            low: fields.low,
            high: fields.high,
            created_at: at,
            updated_at: at,
        };
        meters::insert(conn, &row)?;
        event(
            conn,
            actor,
            &row.customer_id,
            "equipment",
            equipment_id,
            "meter_added",
            json!({"meter_id": row.id, "kind": row.kind, "mode": row.mode, "unit": row.unit}),
        )?;
        view(conn, row)
    })
}

/// A piece's meters with their last readings and rates.
pub fn of_equipment(
    conn: &mut DbConnection,
    equipment_id: &EquipmentId,
) -> Result<Vec<Meter>, AppError> {
    get::<EquipmentRepo>(conn, equipment_id)?;
    meters::of_equipment(conn, equipment_id)?
        .into_iter()
        .map(|m| view(conn, m))
        .collect()
}

/// Records a reading: 422 naming the field when it does not fit the meter
/// (a counter below the reading before it, a moment ahead of now); the same
/// reading sent again is the same reading (`false`), another value at the
/// same moment is a 409.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    meter_id: &MeterId,
    sent: &NewReading,
    source: ReadingSource,
) -> Result<(Reading, bool), AppError> {
    let now_utc = Utc::now();
    let at = meter::read_at(sent.read_at.unwrap_or(now_utc), now_utc)?;
    // Stored to the microsecond on both backends.
    let at = naive(at);
    transaction(conn, |conn| {
        if !meters::hold(conn, meter_id, now())? {
            return Err(not_found());
        }
        let row = meters::find(conn, meter_id)?.ok_or_else(not_found)?;
        if let Some(same) = meters::reading_at(conn, meter_id, at)? {
            return if same.value == sent.value && same.kind == sent.kind {
                Ok((same.view(), false))
            } else {
                Err(AppError::conflict(
                    "reading_exists",
                    format!(
                        "this meter already has a reading at {} ({})",
                        same.read_at.format("%Y-%m-%d %H:%M:%S"),
                        same.value
                    ),
                ))
            };
        }
        let (before, after) = meters::neighbours(conn, meter_id, at)?;
        let value = meter::check_reading(
            row.mode,
            sent.kind,
            sent.value,
            before.as_ref().map(ReadingRow::view).as_ref(),
            after.as_ref().map(ReadingRow::view).as_ref(),
        )?;
        let reading = ReadingRow {
            id: ReadingId::new(),
            meter_id: meter_id.clone(),
            value,
            read_at: at,
            kind: sent.kind,
            source,
            created_by: actor.account().map(ToString::to_string),
            created_at: now(),
        };
        meters::insert_reading(conn, &reading)?;
        if meter::out_of_band(&row.fields(), value) {
            alert(conn, actor, &row, &reading)?;
        }
        Ok((reading.view(), true))
    })
}

/// A gauge read outside its band: the piece's open `device_alert` reminder,
/// made now or brought up to this reading (one open alert per piece).
fn alert(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &MeterRow,
    reading: &ReadingRow,
) -> Result<(), AppError> {
    let local = crate::store::utc(reading.read_at).with_timezone(&actor.timezone);
    let band = match (row.low, row.high) {
        (Some(l), Some(h)) => format!("{l}–{h}"),
        (Some(l), None) => format!("at least {l}"),
        (None, Some(h)) => format!("at most {h}"),
        (None, None) => String::new(),
    };
    let note = format!(
        "{} read {} {} on {} — outside {band} {}",
        row.name.as_deref().unwrap_or(row.kind.as_str()),
        reading.value,
        row.unit,
        local.format("%Y-%m-%d %H:%M"),
        row.unit,
    );
    match reminders::open_about_equipment(conn, ReminderKind::DeviceAlert, &row.equipment_id)? {
        Some(mut open) => {
            open.note = Some(note);
            reminders::save(conn, &mut open)
        }
        None => {
            let mut r = ReminderRow::new(
                &row.customer_id,
                ReminderKind::DeviceAlert,
                local.date_naive(),
                Some(note),
                None,
            );
            r.equipment_id = Some(row.equipment_id.to_string());
            reminders::insert(conn, &r)?;
            event(
                conn,
                actor,
                &row.customer_id,
                "reminder",
                &r.id,
                "created",
                json!({"kind": ReminderKind::DeviceAlert, "meter_id": row.id, "value": reading.value}),
            )
        }
    }
}

/// A meter's latest readings, newest first.
pub fn readings(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    limit: i64,
) -> Result<Vec<Reading>, AppError> {
    meters::find(conn, meter_id)?.ok_or_else(not_found)?;
    Ok(meters::latest(conn, meter_id, limit.clamp(1, 1000))?
        .iter()
        .map(ReadingRow::view)
        .collect())
}
