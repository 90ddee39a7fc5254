//! Low-stock alerts for the administrators: one open per part and location
//! while it runs low (less free than its minimum, or less on hand than agreed
//! orders hold), opened and closed in the transaction of whatever changed it
//! — a movement, a reservation, a new minimum — so the list is never stale.
//!
//! DESIGN calls a reminder "a due maintenance or a promised follow-up,
//! waiting for a manager": a customer's. A stock alert belongs to no customer
//! and is the administrators' to act on (buy, transfer, load), so it is kept
//! apart from the reminders' inbox, as the stock page's first list.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::core::ids::{LocationId, PartId};
use crate::core::stock::{self, Quantity};
use crate::error::AppError;
use crate::store::stock as ledger;
use crate::store::stock_alerts::{self, AlertRow};
use crate::store::{utc, DbConnection};

/// Brings the alerts of the touched (location, part) pairs in line with their
/// levels: per location one read of the levels, one insert, one delete.
pub fn follow(
    conn: &mut DbConnection,
    touched: &[(LocationId, PartId)],
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let mut by_place: BTreeMap<&LocationId, Vec<PartId>> = BTreeMap::new();
    for (location, part) in touched {
        let parts = by_place.entry(location).or_default();
        if !parts.contains(part) {
            parts.push(part.clone());
        }
    }
    for (location, parts) in by_place {
        let levels = ledger::levels_of_parts(conn, &parts, Some(location))?;
        let (low, fine): (Vec<PartId>, Vec<PartId>) = parts.into_iter().partition(|p| {
            levels.iter().any(|l| {
                l.part_id == *p
                    && stock::is_low(
                        Quantity::from_milli(l.on_hand),
                        Quantity::from_milli(l.reserved),
                        l.minimum.map(Quantity::from_milli),
                    )
            })
        });
        let opened: Vec<AlertRow> = low
            .into_iter()
            .map(|part_id| AlertRow {
                location_id: location.clone(),
                part_id,
                since: at,
            })
            .collect();
        stock_alerts::open(conn, &opened)?;
        stock_alerts::close(conn, location, &fine)?;
    }
    Ok(())
}

/// An open alert as the API lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockAlert {
    pub location_id: LocationId,
    pub location: String,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub on_hand: Quantity,
    pub reserved: Quantity,
    pub minimum: Option<Quantity>,
    /// What keeps every promise and brings it back to the minimum.
    pub to_order: Quantity,
    /// Since when it runs low.
    pub since: DateTime<Utc>,
}

/// Every open alert, oldest first.
pub fn open_alerts(conn: &mut DbConnection) -> Result<Vec<StockAlert>, AppError> {
    let rows = stock_alerts::all(conn)?;
    let ids: Vec<PartId> = rows.iter().map(|(a, _)| a.part_id.clone()).collect();
    let parts = crate::store::parts::of_ids(conn, &ids)?;
    let places = ledger::locations(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(alert, level)| {
            let part = parts.iter().find(|p| p.id == alert.part_id)?;
            let place = places.iter().find(|p| p.id == alert.location_id)?;
            let (on_hand, reserved) = (
                Quantity::from_milli(level.on_hand),
                Quantity::from_milli(level.reserved),
            );
            let minimum = level.minimum.map(Quantity::from_milli);
            Some(StockAlert {
                location: place.name.clone(),
                location_id: alert.location_id,
                part_id: alert.part_id,
                sku: part.sku.clone(),
                name: part.name.clone(),
                unit: part.unit.clone(),
                on_hand,
                reserved,
                minimum,
                to_order: stock::to_order(on_hand, reserved, minimum).unwrap_or(Quantity::ZERO),
                since: utc(alert.since),
            })
        })
        .collect())
}
