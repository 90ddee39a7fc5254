//! Meters on equipment and their readings: adding a meter to a piece, and
//! recording a reading checked against its neighbours in time (a counter only
//! goes down by an explicit reset). A meter's view carries its last reading
//! and its daily rate, the ground of maintenance by use.

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Unbounded};

use chrono::{Duration, NaiveDateTime, Utc};
use serde_json::json;

use super::{event, Actor};
use crate::core::ids::{EquipmentId, MeterId, ReadingId, VisitId};
use crate::core::meter::{
    self, Meter, MeterFields, NewReading, Reading, ReadingSource, VisitReading,
};
use crate::core::reminder::ReminderKind;
use crate::core::visit::VisitStatus;
use crate::error::AppError;
use crate::store::equipment::EquipmentRepo;
use crate::store::meters::{self, MeterRow, ReadingRow};
use crate::store::records::get;
use crate::store::reminders::{self, ReminderRow};
use crate::store::{naive, now, transaction, DbConnection};

/// The most stored readings a batch may lie among: what a batch reads to
/// check itself stays bounded however long the meter's history.
pub const SPAN_ROWS: i64 = 5_000;

/// The readings a meter's view and rate look at.
const RECENT: i64 = 500;

fn not_found() -> AppError {
    AppError::NotFound { entity: "meter" }
}

/// A meter's view: its last reading and its daily rate.
pub(super) fn view(conn: &mut DbConnection, row: MeterRow) -> Result<Meter, AppError> {
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
    record_many(
        conn,
        actor,
        meter_id,
        std::slice::from_ref(sent),
        source,
        |_, e| e,
    )?
    .pop()
    .ok_or_else(not_found)
}

/// Records many readings of one meter together (a device's batch), as
/// [`record`] would one by one but in a few statements: the meter held once,
/// the readings around the batch's span read once, the new ones checked in
/// time order against the readings before and after them and written in one
/// insert. All or nothing; `name` names a refused reading by its place.
/// Answers, in the order sent, each reading and whether it is new.
pub fn record_many(
    conn: &mut DbConnection,
    actor: &Actor,
    meter_id: &MeterId,
    sent: &[NewReading],
    source: ReadingSource,
    name: impl Fn(usize, AppError) -> AppError,
) -> Result<Vec<(Reading, bool)>, AppError> {
    let now_utc = Utc::now();
    let mut order = Vec::with_capacity(sent.len());
    for (i, r) in sent.iter().enumerate() {
        let at =
            meter::read_at(r.read_at.unwrap_or(now_utc), now_utc).map_err(|e| name(i, e.into()))?;
        // Stored to the microsecond on both backends.
        order.push((naive(at), i));
    }
    order.sort();
    let (Some(&(first, _)), Some(&(last, _))) = (order.first(), order.last()) else {
        return Ok(Vec::new());
    };
    transaction(conn, |conn| {
        if !meters::hold(conn, meter_id, now())? {
            return Err(not_found());
        }
        let row = meters::find(conn, meter_id)?.ok_or_else(not_found)?;
        let around = meters::between(conn, meter_id, first, last, SPAN_ROWS + 1)?;
        if around.len() as i64 > SPAN_ROWS {
            return Err(AppError::invalid(
                "readings",
                format!(
                    "these readings are spread over more than {SPAN_ROWS} stored ones; \
                     send them in batches closer in time"
                ),
            ));
        }
        let mut timeline: BTreeMap<NaiveDateTime, Reading> =
            around.into_iter().map(|r| (r.read_at, r.view())).collect();
        let (before, _) = meters::neighbours(conn, meter_id, first)?;
        let (_, after) = meters::neighbours(conn, meter_id, last)?;
        timeline.extend(
            before
                .into_iter()
                .chain(after)
                .map(|r| (r.read_at, r.view())),
        );
        let mut answers: Vec<Option<(Reading, bool)>> = vec![None; sent.len()];
        let mut rows = Vec::new();
        let mut out_of_band = None;
        for (at, i) in order {
            let r = &sent[i];
            if let Some(same) = timeline.get(&at) {
                if same.value == r.value && same.kind == r.kind {
                    answers[i] = Some((same.clone(), false));
                    continue;
                }
                return Err(name(
                    i,
                    AppError::conflict(
                        "reading_exists",
                        format!(
                            "this meter already has a reading at {} ({})",
                            at.format("%Y-%m-%d %H:%M:%S"),
                            same.value
                        ),
                    ),
                ));
            }
            let before = timeline.range(..at).next_back().map(|(_, v)| v);
            let after = timeline
                .range((Excluded(at), Unbounded))
                .next()
                .map(|(_, v)| v);
            let value = meter::check_reading(row.mode, r.kind, r.value, before, after)
                .map_err(|e| name(i, e.into()))?;
            let total = meter::total_of(r.kind, value, before, after);
            let reading = ReadingRow {
                id: ReadingId::new(),
                meter_id: meter_id.clone(),
                value,
                read_at: at,
                kind: r.kind,
                source,
                created_by: actor.account().map(ToString::to_string),
                created_at: now(),
                total,
            };
            if meter::out_of_band(&row.fields(), value) {
                out_of_band = Some(reading.clone());
            }
            timeline.insert(at, reading.view());
            answers[i] = Some((reading.view(), true));
            rows.push(reading);
        }
        meters::insert_readings(conn, &rows)?;
        if row.mode == meter::MeterMode::Cumulative && !rows.is_empty() {
            // The batch's newest reading, when nothing stored comes after it.
            let newest = rows.iter().max_by_key(|r| r.read_at).filter(|n| {
                timeline
                    .range((Excluded(n.read_at), Unbounded))
                    .next()
                    .is_none()
            });
            // What the meter had counted before the batch's first new reading.
            let first = rows.iter().map(|r| r.read_at).min().unwrap_or_default();
            let before = timeline
                .range(..first)
                .next_back()
                .map_or(0.0, |(_, r)| r.total);
            let throttled = source == ReadingSource::Device;
            super::usage::readings_came(conn, actor, meter_id, newest, before, throttled)?;
        }
        if let Some(reading) = out_of_band {
            alert(conn, actor, &row, &reading)?;
        }
        Ok(answers.into_iter().flatten().collect())
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

/// An engineer's reading on their own visit: only a meter of the visit's
/// equipment (422 naming `meter_id`); another engineer's visit is not found;
/// a cancelled visit takes none (409).
pub fn record_on_visit(
    conn: &mut DbConnection,
    actor: &Actor,
    visit_id: &VisitId,
    sent: &VisitReading,
) -> Result<(Reading, bool), AppError> {
    let visit = crate::store::visits::find(conn, visit_id)?
        .filter(|v| v.engineer_id == actor.user_id)
        .ok_or(AppError::NotFound { entity: "visit" })?;
    if visit.status == VisitStatus::Cancelled {
        return Err(AppError::conflict(
            "visit_cancelled",
            "this visit was cancelled; readings are taken on a visit that happens",
        ));
    }
    let order = crate::store::work_orders::find(conn, &visit.work_order_id)?
        .ok_or_else(|| AppError::internal("visit without its work order"))?
        .into_view()?;
    let meter = meters::find(conn, &sent.meter_id)?
        .filter(|m| {
            order
                .equipment_ids
                .iter()
                .any(|e| e == m.equipment_id.as_str())
        })
        .ok_or_else(|| AppError::invalid("meter_id", "is not a meter of this visit's equipment"))?;
    record(
        conn,
        actor,
        &meter.id,
        &sent.reading(),
        ReadingSource::Engineer,
    )
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
