//! Meters and their readings: rows and the reads a reading's check needs
//! (its neighbours in time) and a forecast needs (the recent ones).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{meter_readings, meters};
use super::{utc, DbConnection};
use crate::core::ids::{CustomerId, EquipmentId, MeterId, ReadingId};
use crate::core::meter::{MeterFields, MeterKind, MeterMode, Reading, ReadingKind, ReadingSource};
use crate::error::AppError;

/// A meter as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meters)]
pub struct MeterRow {
    pub id: MeterId,
    pub equipment_id: EquipmentId,
    pub customer_id: CustomerId,
    pub kind: MeterKind,
    pub mode: MeterMode,
    pub unit: String,
    pub name: Option<String>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl MeterRow {
    pub fn fields(&self) -> MeterFields {
        MeterFields {
            kind: self.kind,
            mode: self.mode,
            unit: Some(self.unit.clone()),
            name: self.name.clone(),
            low: self.low,
            high: self.high,
        }
    }
}

/// A reading as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meter_readings)]
pub struct ReadingRow {
    pub id: ReadingId,
    pub meter_id: MeterId,
    pub value: f64,
    pub read_at: NaiveDateTime,
    pub kind: ReadingKind,
    pub source: ReadingSource,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    /// What the meter has counted up to here, through its resets.
    pub total: f64,
}

impl ReadingRow {
    pub fn view(&self) -> Reading {
        Reading {
            id: self.id.clone(),
            value: self.value,
            read_at: utc(self.read_at),
            kind: self.kind,
            source: self.source,
            total: self.total,
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &MeterRow) -> Result<(), AppError> {
    diesel::insert_into(meters::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &MeterId) -> Result<Option<MeterRow>, AppError> {
    Ok(meters::table
        .find(id.as_str())
        .select(MeterRow::as_select())
        .first(conn)
        .optional()?)
}

/// Holds the meter for this transaction (a write lock on both backends), so
/// two readings of it are checked one after the other.
pub fn hold(conn: &mut DbConnection, id: &MeterId, at: NaiveDateTime) -> Result<bool, AppError> {
    Ok(diesel::update(meters::table.find(id.as_str()))
        .set(meters::updated_at.eq(at))
        .execute(conn)?
        == 1)
}

/// A piece's meters, in the order they were added.
pub fn of_equipment(
    conn: &mut DbConnection,
    equipment_id: &EquipmentId,
) -> Result<Vec<MeterRow>, AppError> {
    Ok(meters::table
        .filter(meters::equipment_id.eq(equipment_id.as_str()))
        .order(meters::id.asc())
        .limit(100)
        .select(MeterRow::as_select())
        .load(conn)?)
}

/// A customer's meters, in the order they were added.
pub fn of_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<MeterRow>, AppError> {
    Ok(meters::table
        .filter(meters::customer_id.eq(customer_id))
        .order(meters::id.asc())
        .limit(500)
        .select(MeterRow::as_select())
        .load(conn)?)
}

/// Writes readings in multi-row inserts.
pub fn insert_readings(conn: &mut DbConnection, rows: &[ReadingRow]) -> Result<(), AppError> {
    for chunk in rows.chunks(1000) {
        // One statement with many rows, which each backend writes its own way.
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(meter_readings::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(meter_readings::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

/// A meter's readings from `from` to `to`, both included, at most `limit`.
pub fn between(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> Result<Vec<ReadingRow>, AppError> {
    Ok(meter_readings::table
        .filter(meter_readings::meter_id.eq(meter_id.as_str()))
        .filter(meter_readings::read_at.ge(from))
        .filter(meter_readings::read_at.le(to))
        .order(meter_readings::read_at.asc())
        .limit(limit)
        .select(ReadingRow::as_select())
        .load(conn)?)
}

/// The reading at exactly this moment, if there is one.
pub fn reading_at(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    at: NaiveDateTime,
) -> Result<Option<ReadingRow>, AppError> {
    Ok(meter_readings::table
        .filter(meter_readings::meter_id.eq(meter_id.as_str()))
        .filter(meter_readings::read_at.eq(at))
        .select(ReadingRow::as_select())
        .first(conn)
        .optional()?)
}

/// The readings just before and just after a moment.
pub fn neighbours(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    at: NaiveDateTime,
) -> Result<(Option<ReadingRow>, Option<ReadingRow>), AppError> {
    let before = meter_readings::table
        .filter(meter_readings::meter_id.eq(meter_id.as_str()))
        .filter(meter_readings::read_at.lt(at))
        .order(meter_readings::read_at.desc())
        .select(ReadingRow::as_select())
        .first(conn)
        .optional()?;
    let after = meter_readings::table
        .filter(meter_readings::meter_id.eq(meter_id.as_str()))
        .filter(meter_readings::read_at.gt(at))
        .order(meter_readings::read_at.asc())
        .select(ReadingRow::as_select())
        .first(conn)
        .optional()?;
    Ok((before, after))
}

/// A meter's readings since a moment, oldest first (at most `limit`, the newest kept).
pub fn since(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    from: NaiveDateTime,
    limit: i64,
) -> Result<Vec<ReadingRow>, AppError> {
    let mut rows: Vec<ReadingRow> = meter_readings::table
        .filter(meter_readings::meter_id.eq(meter_id.as_str()))
        .filter(meter_readings::read_at.ge(from))
        .order(meter_readings::read_at.desc())
        .limit(limit)
        .select(ReadingRow::as_select())
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}

/// A meter's latest readings, newest first.
pub fn latest(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    limit: i64,
) -> Result<Vec<ReadingRow>, AppError> {
    Ok(meter_readings::table
        .filter(meter_readings::meter_id.eq(meter_id.as_str()))
        .order(meter_readings::read_at.desc())
        .limit(limit)
        .select(ReadingRow::as_select())
        .load(conn)?)
}

/// The latest reading at or before a moment (the meter's value at a service).
pub fn at_or_before(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    at: NaiveDateTime,
) -> Result<Option<ReadingRow>, AppError> {
    Ok(meter_readings::table
        .filter(meter_readings::meter_id.eq(meter_id.as_str()))
        .filter(meter_readings::read_at.le(at))
        .order(meter_readings::read_at.desc())
        .select(ReadingRow::as_select())
        .first(conn)
        .optional()?)
}
