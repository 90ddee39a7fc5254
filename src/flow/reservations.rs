//! Reservations: an agreed order holds the parts its scope names, at a
//! warehouse until they are loaded into the booked engineer's van, and lets
//! them go when it is cancelled, postponed or done. Every change is a ledger
//! row (`reservation`, `release`) in the transaction of the order's action.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::Actor;
use crate::core::ids::{LocationId, MovementId, PartId, WorkOrderId};
use crate::core::stock::{rebalance, Held, LocationKind, MovementKind, Place, Quantity};
use crate::core::work_order::{holds_parts, parts_wanted};
use crate::error::AppError;
use crate::store::reservations::{self, ReservationRow};
use crate::store::stock::{self as ledger, MovementRow};
use crate::store::work_orders::WorkOrderRow;
use crate::store::{visits, DbConnection};

/// Brings what the order holds in line with its state, its scope and its
/// booked engineer: called after each of its actions, in their transaction.
/// Reads one row set when there is nothing to do.
pub fn follow(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &WorkOrderRow,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let want = if holds_parts(order.status) {
        parts_wanted(&order.scope()?)
    } else {
        vec![]
    };
    let rows = reservations::of_order(conn, &order.id)?;
    if want.is_empty() && rows.is_empty() {
        return Ok(());
    }
    let held: Vec<Held> = rows
        .iter()
        .map(|r| Held {
            part_id: r.part_id.clone(),
            location_id: r.location_id.clone(),
            quantity: Quantity::from_milli(r.quantity),
        })
        .collect();
    let places = ledger::locations(conn)?;
    let van = match visits::live_for_order(conn, &order.id)? {
        Some(v) => places
            .iter()
            .find(|p| p.engineer_id.as_deref() == Some(v.engineer_id.as_str()))
            .map(|p| p.id.clone()),
        None => None,
    };
    let stays = |l: &LocationId| {
        Some(l) == van.as_ref()
            || places
                .iter()
                .any(|p| p.id == *l && p.kind == LocationKind::Warehouse && p.active)
    };
    let changes = rebalance(&want, &held, stays);
    if changes.is_empty() {
        return Ok(());
    }
    // Where each touched part ends up held, and how much.
    let mut after: BTreeMap<PartId, Option<(LocationId, Quantity)>> = BTreeMap::new();
    for h in &held {
        after.insert(h.part_id.clone(), Some((h.location_id.clone(), h.quantity)));
    }
    let batch_id = MovementId::new();
    let mut ledger_rows = vec![];
    for change in changes {
        let location = match change.place {
            Place::At(l) => l,
            Place::Warehouse => match reservations::warehouse_for(conn, &change.part_id)? {
                Some(l) => l,
                // A company without a warehouse prices parts but holds none.
                None => continue,
            },
        };
        let entry = after.entry(change.part_id.clone()).or_insert(None);
        let before = match entry {
            Some((l, q)) if *l == location => *q,
            _ => Quantity::ZERO,
        };
        let now_held = before + change.by;
        *entry = (!now_held.is_zero()).then(|| (location.clone(), now_held));
        let promise = Promise {
            order: &order.id,
            part: &change.part_id,
            location: &location,
            by: change.by,
        };
        ledger_rows.push(promise.make(conn, actor, &batch_id, at)?);
    }
    for (part, held) in after {
        let created_at = rows
            .iter()
            .find(|r| r.part_id == part)
            .map_or(at, |r| r.created_at);
        let (location_id, quantity) = held.unwrap_or((LocationId::new(), Quantity::ZERO));
        reservations::put(
            conn,
            &ReservationRow {
                work_order_id: order.id.clone(),
                part_id: part,
                location_id,
                quantity: quantity.milli(),
                created_at,
                updated_at: at,
            },
        )?;
    }
    ledger::insert_movements(conn, &ledger_rows)?;
    super::stock_alerts::follow(conn, &touched(&ledger_rows), at)
}

/// The (location, part) pairs some ledger rows changed.
fn touched(rows: &[MovementRow]) -> Vec<(LocationId, PartId)> {
    rows.iter()
        .map(|r| (r.location_id.clone(), r.part_id.clone()))
        .collect()
}

/// A part the order's scope names, with what it holds of it and where.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPart {
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// What the scope puts in.
    pub quantity: Quantity,
    /// What is held for the order (zero before the agreement, after the visit,
    /// or where the company keeps no warehouse).
    pub reserved: Quantity,
    pub location_id: Option<LocationId>,
    pub location: Option<String>,
}

/// The parts of an order: three reads whatever the number of lines.
pub fn parts_of(conn: &mut DbConnection, order: &WorkOrderRow) -> Result<Vec<OrderPart>, AppError> {
    let want = parts_wanted(&order.scope()?);
    if want.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<PartId> = want.iter().map(|(p, _)| p.clone()).collect();
    let parts = crate::store::parts::of_ids(conn, &ids)?;
    let held = reservations::of_order(conn, &order.id)?;
    let places = if held.is_empty() {
        vec![]
    } else {
        ledger::locations(conn)?
    };
    Ok(want
        .into_iter()
        .filter_map(|(part_id, quantity)| {
            let part = parts.iter().find(|p| p.id == part_id)?;
            let h = held.iter().find(|r| r.part_id == part_id);
            let location_id = h.map(|r| r.location_id.clone());
            Some(OrderPart {
                sku: part.sku.clone(),
                name: part.name.clone(),
                unit: part.unit.clone(),
                quantity,
                reserved: Quantity::from_milli(h.map_or(0, |r| r.quantity)),
                location: location_id
                    .as_ref()
                    .and_then(|l| places.iter().find(|p| p.id == *l))
                    .map(|p| p.name.clone()),
                location_id,
                part_id,
            })
        })
        .collect())
}

/// One change of what an order is promised at a location.
struct Promise<'a> {
    order: &'a WorkOrderId,
    part: &'a PartId,
    location: &'a LocationId,
    by: Quantity,
}

impl Promise<'_> {
    /// Changes the level's `reserved` and returns the ledger row that says so.
    fn make(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        batch_id: &MovementId,
        at: NaiveDateTime,
    ) -> Result<MovementRow, AppError> {
        let on_hand = reservations::change_reserved(conn, self.location, self.part, self.by, at)?;
        Ok(MovementRow {
            id: MovementId::new(),
            batch_id: batch_id.clone(),
            part_id: self.part.clone(),
            location_id: self.location.clone(),
            kind: if self.by.milli() > 0 {
                MovementKind::Reservation
            } else {
                MovementKind::Release
            },
            quantity: self.by.milli(),
            on_hand_after: on_hand.milli(),
            reason: None,
            work_order_id: Some(self.order.to_string()),
            actor_id: actor.account().cloned(),
            created_at: at,
        })
    }
}

/// Moves what the orders hold elsewhere into the van they are loaded into:
/// let go where it was, held in the van. The number of reservations moved.
pub fn into_van(
    conn: &mut DbConnection,
    actor: &Actor,
    orders: &[WorkOrderId],
    van: &LocationId,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    let batch_id = MovementId::new();
    let mut rows = vec![];
    let mut moved = 0;
    for mut r in reservations::of_orders(conn, orders)? {
        if r.location_id == *van {
            continue;
        }
        let q = Quantity::from_milli(r.quantity);
        let away = Promise {
            order: &r.work_order_id,
            part: &r.part_id,
            location: &r.location_id,
            by: -q,
        };
        rows.push(away.make(conn, actor, &batch_id, at)?);
        let here = Promise {
            location: van,
            by: q,
            ..away
        };
        rows.push(here.make(conn, actor, &batch_id, at)?);
        r.location_id = van.clone();
        r.updated_at = at;
        reservations::put(conn, &r)?;
        moved += 1;
    }
    ledger::insert_movements(conn, &rows)?;
    super::stock_alerts::follow(conn, &touched(&rows), at)?;
    Ok(moved)
}
