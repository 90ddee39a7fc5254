//! Load lists: for a day's routes, what each engineer takes from the
//! warehouses, and loading it in one action — the transfers to the van and
//! the day's reservations moved along with them, in one transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::stock::{apply, leg, Moved};
use super::Actor;
use crate::core::calendar::day_bounds;
use crate::core::ids::{LocationId, PartId, UserId, VisitId, WorkOrderId};
use crate::core::load::{self, Pool};
use crate::core::stock::{Change, LocationKind, MovementKind, Quantity};
use crate::core::work_order::{parts_wanted, ScopeLine};
use crate::error::AppError;
use crate::store::parts::PartRow;
use crate::store::reservations::{self, ReservationRow};
use crate::store::stock::{self as ledger, LevelRow, LocationRow};
use crate::store::{decoded_json, now, transaction, visits, work_orders, DbConnection};

/// A visit the list is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadVisit {
    pub visit_id: VisitId,
    pub work_order_id: WorkOrderId,
    pub planned_start: DateTime<Utc>,
}

/// Where to take some of a part from.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pick {
    pub location_id: LocationId,
    pub location: String,
    pub quantity: Quantity,
}

/// One part of a load list.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadLine {
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// What the day's visits put in.
    pub needed: Quantity,
    /// What the van holds for them already.
    pub in_van: Quantity,
    /// What to take from the warehouses (the sum of `from`).
    pub to_pick: Quantity,
    pub from: Vec<Pick>,
    /// What no warehouse has free.
    pub short: Quantity,
}

/// An engineer's load list for a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadList {
    pub engineer_id: UserId,
    pub date: NaiveDate,
    /// The engineer's van; without one, nothing can be loaded.
    pub van_id: Option<LocationId>,
    pub van: Option<String>,
    pub visits: Vec<LoadVisit>,
    /// By SKU; empty when the day's visits need no parts.
    pub lines: Vec<LoadLine>,
}

/// What the day's routes are read with.
struct Day {
    places: Vec<LocationRow>,
    /// Live visits, by engineer then time.
    visits: Vec<visits::VisitRow>,
    wants: BTreeMap<WorkOrderId, Vec<(PartId, Quantity)>>,
    held: Vec<ReservationRow>,
}

fn read_day(
    conn: &mut DbConnection,
    date: NaiveDate,
    tz: Tz,
    engineer: Option<&UserId>,
) -> Result<Day, AppError> {
    let (from, to) = day_bounds(date, tz);
    let places = ledger::locations(conn)?;
    let visits = match engineer {
        Some(e) => visits::live_of_engineers_between(conn, std::slice::from_ref(e), from, to)?,
        None => visits::live_between(conn, from, to)?,
    };
    let orders: Vec<WorkOrderId> = visits.iter().map(|v| v.work_order_id.clone()).collect();
    let mut wants = BTreeMap::new();
    for (id, raw) in work_orders::scopes(conn, &orders)? {
        let lines: Vec<ScopeLine> = decoded_json(&raw, "scope lines", &id)?;
        wants.insert(id, parts_wanted(&lines));
    }
    let held = reservations::of_orders(conn, &orders)?;
    Ok(Day {
        places,
        visits,
        wants,
        held,
    })
}

/// The load lists of a day: every engineer with a live visit, or one.
/// A bounded number of reads, whatever the number of engineers and visits;
/// the lists are worked out over indexes, not by scanning per part.
pub fn load_lists(
    conn: &mut DbConnection,
    date: NaiveDate,
    tz: Tz,
    engineer: Option<&UserId>,
) -> Result<Vec<LoadList>, AppError> {
    let day = read_day(conn, date, tz, engineer)?;
    let mut parts: Vec<PartId> = day
        .wants
        .values()
        .flatten()
        .map(|(p, _)| p.clone())
        .collect();
    parts.sort();
    parts.dedup();
    let levels = ledger::levels_of_parts(conn, &parts, None)?;
    let catalogue: HashMap<PartId, PartRow> = crate::store::parts::of_ids(conn, &parts)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let level_at: HashMap<(&LocationId, &PartId), &LevelRow> = levels
        .iter()
        .map(|l| ((&l.location_id, &l.part_id), l))
        .collect();
    // What each engineer's orders of the day hold, by (place, part).
    let engineer_of: HashMap<&WorkOrderId, &UserId> = day
        .visits
        .iter()
        .map(|v| (&v.work_order_id, &v.engineer_id))
        .collect();
    let mut held_by: HashMap<(&UserId, &LocationId, &PartId), Quantity> = HashMap::new();
    let mut held_today: HashMap<(&LocationId, &PartId), Quantity> = HashMap::new();
    for r in &day.held {
        let Some(e) = engineer_of.get(&r.work_order_id) else {
            continue;
        };
        let q = Quantity::from_milli(r.quantity);
        *held_by.entry((*e, &r.location_id, &r.part_id)).or_default() += q;
        *held_today.entry((&r.location_id, &r.part_id)).or_default() += q;
    }
    let today = |l: &LevelRow| {
        held_today
            .get(&(&l.location_id, &l.part_id))
            .copied()
            .unwrap_or_default()
    };
    // Stock not promised outside the day: what the van may use, what a
    // warehouse may give (shared by every engineer of the day).
    let unpromised = |l: &LevelRow| {
        Quantity::from_milli(l.on_hand).max(Quantity::ZERO)
            - (Quantity::from_milli(l.reserved) - today(l))
    };
    let warehouses: Vec<&LocationRow> = day
        .places
        .iter()
        .filter(|p| p.kind == LocationKind::Warehouse && p.active)
        .collect();
    let mut pools: HashMap<&PartId, Vec<Pool>> = HashMap::new();
    for l in &levels {
        if warehouses.iter().any(|w| w.id == l.location_id) {
            pools.entry(&l.part_id).or_default().push(Pool {
                location_id: l.location_id.clone(),
                part_id: l.part_id.clone(),
                left: unpromised(l),
                preferred: false,
            });
        }
    }
    let mut engineers: Vec<&UserId> = day.visits.iter().map(|v| &v.engineer_id).collect();
    engineers.dedup();
    if let Some(e) = engineer {
        engineers = vec![e];
    }
    let mut out = vec![];
    for engineer_id in engineers {
        let visits: Vec<&visits::VisitRow> = day
            .visits
            .iter()
            .filter(|v| v.engineer_id == *engineer_id)
            .collect();
        let van = day
            .places
            .iter()
            .find(|p| p.engineer_id.as_deref() == Some(engineer_id.as_str()));
        let mut needed: Vec<(PartId, Quantity)> = vec![];
        for v in &visits {
            for (part, q) in day.wants.get(&v.work_order_id).into_iter().flatten() {
                match needed.iter_mut().find(|(p, _)| p == part) {
                    Some((_, sum)) => *sum += *q,
                    None => needed.push((part.clone(), *q)),
                }
            }
        }
        let mut lines = vec![];
        for (part, need) in needed {
            let Some(p) = catalogue.get(&part) else {
                continue;
            };
            let usable = van
                .and_then(|v| level_at.get(&(&v.id, &part)))
                .map_or(Quantity::ZERO, |l| unpromised(l));
            let own = pools.entry(&p.id).or_default();
            for pool in own.iter_mut() {
                pool.preferred = held_by.contains_key(&(engineer_id, &pool.location_id, &p.id));
            }
            let line = load::line(&part, need, usable, own);
            lines.push(LoadLine {
                part_id: part,
                sku: p.sku.clone(),
                name: p.name.clone(),
                unit: p.unit.clone(),
                needed: line.needed,
                in_van: line.in_van,
                to_pick: line.to_pick(),
                from: line
                    .picks
                    .iter()
                    .map(|(l, q)| Pick {
                        location: place_name(&day.places, l),
                        location_id: l.clone(),
                        quantity: *q,
                    })
                    .collect(),
                short: line.short,
            });
        }
        lines.sort_by(|a, b| a.sku.cmp(&b.sku));
        out.push(LoadList {
            engineer_id: engineer_id.clone(),
            date,
            van_id: van.map(|v| v.id.clone()),
            van: van.map(|v| v.name.clone()),
            visits: visits
                .iter()
                .map(|v| LoadVisit {
                    visit_id: v.id.clone(),
                    work_order_id: v.work_order_id.clone(),
                    planned_start: crate::store::utc(v.planned_start),
                })
                .collect(),
            lines,
        });
    }
    Ok(out)
}

fn place_name(places: &[LocationRow], id: &LocationId) -> String {
    places
        .iter()
        .find(|p| p.id == *id)
        .map_or_else(String::new, |p| p.name.clone())
}

/// `{"date"}`: the day whose list is loaded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Load {
    pub date: NaiveDate,
}

/// What loading did, and the list as it stands after.
#[derive(Debug, Serialize, ToSchema)]
pub struct Loaded {
    /// The transfers to the van; absent when there was nothing to take.
    pub transfers: Option<Moved>,
    /// The day's reservations moved into the van.
    pub reservations_moved: usize,
    pub list: LoadList,
}

/// Loads the van for the day: each pick of the list transferred from its
/// warehouse, and the day's orders' reservations moved to the van, in one
/// transaction. Loading twice takes nothing the second time.
pub fn load_van(
    conn: &mut DbConnection,
    actor: &Actor,
    engineer: &UserId,
    body: Load,
) -> Result<Loaded, AppError> {
    let tz = actor.timezone;
    transaction(conn, |conn| {
        let list = one_list(conn, engineer, body.date, tz)?;
        let van = list.van_id.clone().ok_or_else(|| {
            AppError::invalid("engineer_id", "the engineer has no van: set one up first")
        })?;
        let mut legs = vec![];
        for line in &list.lines {
            for pick in &line.from {
                legs.push(leg(
                    line.part_id.clone(),
                    &pick.location_id,
                    MovementKind::TransferOut,
                    Change::By(-pick.quantity),
                ));
                legs.push(leg(
                    line.part_id.clone(),
                    &van,
                    MovementKind::TransferIn,
                    Change::By(pick.quantity),
                ));
            }
        }
        let transfers = if legs.is_empty() {
            None
        } else {
            let why = format!("Load for {}", body.date);
            Some(apply(conn, actor, legs, Some(why), None)?)
        };
        let orders: Vec<WorkOrderId> = list
            .visits
            .iter()
            .map(|v| v.work_order_id.clone())
            .collect();
        let moved = super::reservations::into_van(conn, actor, &orders, &van, now())?;
        Ok(Loaded {
            transfers,
            reservations_moved: moved,
            list: one_list(conn, engineer, body.date, tz)?,
        })
    })
}

/// One engineer's list, empty when the day has no visits.
pub fn one_list(
    conn: &mut DbConnection,
    engineer: &UserId,
    date: NaiveDate,
    tz: Tz,
) -> Result<LoadList, AppError> {
    load_lists(conn, date, tz, Some(engineer))?
        .pop()
        .ok_or_else(|| AppError::internal("no load list for the engineer"))
}

/// The engineer a list is asked for: an engineer, or 404.
pub fn engineer(conn: &mut DbConnection, id: &UserId) -> Result<(), AppError> {
    let user = crate::store::users::find(conn, id)?;
    match user {
        Some(u) if u.roles()?.contains(&crate::core::role::Role::Engineer) => Ok(()),
        _ => Err(AppError::NotFound { entity: "engineer" }),
    }
}
