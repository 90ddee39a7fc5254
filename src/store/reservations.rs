//! Reservations as stored: what an agreed order holds of a part, and where.
//! A reservation and the level's `reserved` change together, in the
//! transaction of the order's action, with the ledger row that says so.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::schema::{stock_levels, stock_locations, stock_reservations};
use super::stock::ensure_level;
use super::DbConnection;
use crate::core::ids::{LocationId, PartId, WorkOrderId};
use crate::core::stock::{LocationKind, Quantity};
use crate::error::AppError;

/// What one order holds of one part, at one location.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_reservations)]
pub struct ReservationRow {
    pub work_order_id: WorkOrderId,
    pub part_id: PartId,
    pub location_id: LocationId,
    pub quantity: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an order holds, by part.
pub fn of_order(
    conn: &mut DbConnection,
    order: &WorkOrderId,
) -> Result<Vec<ReservationRow>, AppError> {
    Ok(stock_reservations::table
        .filter(stock_reservations::work_order_id.eq(order.as_str()))
        .order(stock_reservations::part_id)
        .select(ReservationRow::as_select())
        .load(conn)?)
}

/// What several orders hold (a day's route), in one read.
pub fn of_orders(
    conn: &mut DbConnection,
    orders: &[WorkOrderId],
) -> Result<Vec<ReservationRow>, AppError> {
    let mut out = vec![];
    for chunk in orders.chunks(500) {
        let ids: Vec<&str> = chunk.iter().map(WorkOrderId::as_str).collect();
        out.extend(
            stock_reservations::table
                .filter(stock_reservations::work_order_id.eq_any(ids))
                .select(ReservationRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// Writes the reservation as it now stands (a quantity of zero removes it).
pub fn put(conn: &mut DbConnection, row: &ReservationRow) -> Result<(), AppError> {
    let key = (row.work_order_id.as_str(), row.part_id.as_str());
    diesel::delete(stock_reservations::table.find(key)).execute(conn)?;
    if row.quantity > 0 {
        diesel::insert_into(stock_reservations::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct OnHand {
    #[diesel(sql_type = BigInt)]
    on_hand: i64,
}

/// Adds `by` (negative lets go) to what is promised of a part at a location;
/// never refused: an order may be promised more than is there, and the
/// shortfall shows as stock to buy. The quantity on hand, unchanged.
pub fn change_reserved(
    conn: &mut DbConnection,
    location: &LocationId,
    part: &PartId,
    by: Quantity,
    at: NaiveDateTime,
) -> Result<Quantity, AppError> {
    ensure_level(conn, location, part, at)?;
    let sql = "UPDATE stock_levels SET reserved = reserved + $1, updated_at = $2 \
        WHERE location_id = $3 AND part_id = $4 RETURNING on_hand";
    let rows: Vec<OnHand> = diesel::sql_query(sql)
        .bind::<BigInt, _>(by.milli())
        .bind::<Timestamp, _>(at)
        .bind::<Text, _>(location.as_str())
        .bind::<Text, _>(part.as_str())
        .load(conn)?;
    Ok(Quantity::from_milli(rows.first().map_or(0, |r| r.on_hand)))
}

/// The active warehouse to hold a part at: the one with the most of it free,
/// then by name; `None` when the company keeps no warehouse.
pub fn warehouse_for(
    conn: &mut DbConnection,
    part: &PartId,
) -> Result<Option<LocationId>, AppError> {
    let free = stock_levels::on_hand - stock_levels::reserved;
    let rows: Vec<(LocationId, Option<i64>)> = stock_locations::table
        .left_join(
            stock_levels::table.on(stock_levels::location_id
                .eq(stock_locations::id)
                .and(stock_levels::part_id.eq(part.as_str()))),
        )
        .filter(stock_locations::kind.eq(LocationKind::Warehouse.as_str()))
        .filter(stock_locations::active.eq(true))
        .order(stock_locations::name)
        .select((stock_locations::id, free.nullable()))
        .load(conn)?;
    let mut best: Option<(LocationId, i64)> = None;
    for (id, free) in rows {
        let free = free.unwrap_or(0);
        if best.as_ref().is_none_or(|(_, b)| free > *b) {
            best = Some((id, free));
        }
    }
    Ok(best.map(|(id, _)| id))
}
