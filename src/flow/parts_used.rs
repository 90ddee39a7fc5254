//! The parts a visit used: priced from the order (or the catalogue) and
//! costed from the catalogue, for the certificate and the margin; catalogue
//! parts issued from the engineer's van in the transaction that finishes the
//! visit — once, however often the phone sends the finish.

use chrono::NaiveDateTime;

use super::stock::{apply, leg};
use super::Actor;
use crate::core::dates::local_month;
use crate::core::ids::{LocationId, PartId};
use crate::core::stock::cost_of;
use crate::core::stock::{Change, MovementKind, Quantity};
use crate::core::visit::PartUsed;
use crate::core::work_order::ScopeLine;
use crate::core::ValidationError;
use crate::error::AppError;
use crate::store::parts_used::PartUsedRow;
use crate::store::reservations;
use crate::store::stock as ledger;
use crate::store::visits::VisitRow;
use crate::store::work_orders::WorkOrderRow;
use crate::store::DbConnection;

/// Prices, costs and names the checked parts, and issues the catalogue parts
/// from the van of the visit's engineer (or, without a van, from where the
/// order holds them). A van that would go below zero without allowing it
/// refuses the finish with 409 `insufficient_stock`: nothing changes.
pub fn issue(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &WorkOrderRow,
    visit: &VisitRow,
    mut used: Vec<PartUsed>,
    at: NaiveDateTime,
) -> Result<Vec<PartUsed>, AppError> {
    let ids: Vec<PartId> = used.iter().filter_map(|p| p.part_id.clone()).collect();
    if ids.is_empty() {
        return Ok(used);
    }
    let catalogue = crate::store::parts::of_ids(conn, &ids)?;
    let scope: Vec<ScopeLine> = order.scope()?;
    let van = ledger::van_of(conn, visit.engineer_id.as_str())?.filter(|v| v.active);
    let held = if van.is_none() {
        reservations::of_order(conn, &order.id)?
    } else {
        vec![]
    };
    let mut legs = vec![];
    let mut figures = vec![];
    let month = local_month(crate::store::utc(at), actor.timezone);
    for (i, p) in used.iter_mut().enumerate() {
        let Some(id) = p.part_id.clone() else {
            continue;
        };
        let part = catalogue.iter().find(|c| c.id == id).ok_or_else(|| {
            ValidationError::new(
                format!("parts_used[{i}].part_id"),
                "is not a part of the catalogue",
            )
        })?;
        // The certificate names a catalogue part as the catalogue does.
        p.name = part.name.clone();
        p.unit_price = Some(
            scope
                .iter()
                .find(|l| l.part_id.as_ref() == Some(&id))
                .map_or(part.price, |l| l.unit_price),
        );
        p.unit_cost = Some(part.cost);
        let q = Quantity::of_checked(p.quantity);
        figures.push(PartUsedRow {
            visit_id: visit.id.clone(),
            part_id: id.clone(),
            work_order_id: order.id.clone(),
            engineer_id: visit.engineer_id.clone(),
            used_at: at,
            month: month.clone(),
            quantity: q.milli(),
            revenue: cost_of(q, p.unit_price.unwrap_or(part.price)),
            cost: cost_of(q, part.cost),
            currency: order.currency.clone(),
        });
        let from: Option<LocationId> = match &van {
            Some(v) => Some(v.id.clone()),
            None => held
                .iter()
                .find(|r| r.part_id == id)
                .map(|r| r.location_id.clone()),
        };
        if let Some(from) = from {
            legs.push(leg(id, &from, MovementKind::Issue, Change::By(-q)));
        }
    }
    crate::store::parts_used::insert(conn, &figures)?;
    if !legs.is_empty() {
        let why = format!(
            "Used at the visit of {}",
            crate::store::utc(visit.planned_start).date_naive()
        );
        apply(conn, actor, legs, Some(why), Some(&order.id))?;
    }
    Ok(used)
}
