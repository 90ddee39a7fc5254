//! Stock: the places it is kept and the movements between them. Every action
//! (a receipt, a transfer, a correction, a count) is one transaction that
//! changes the quantities on hand and writes the ledger rows that say why;
//! an action that would take a location below zero changes nothing.

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::Actor;
use crate::core::ids::{typed, LocationId, MovementId, PartId, UserId, WorkOrderId};
use crate::core::role::Role;
use crate::core::stock::{
    self, Change, Leg, Line, Location, LocationFields, LocationKind, Movement, MovementKind,
    Quantity,
};
use crate::core::text::{self, LINE};
use crate::core::ValidationError;
use crate::error::AppError;
use crate::store::page::{Page, PageRequest};
use crate::store::parts::PartRow;
use crate::store::stock::{self as ledger, LocationRow, MovementRow, Of};
use crate::store::{now, transaction, users, DbConnection};

fn not_found() -> AppError {
    AppError::NotFound { entity: "location" }
}

/// Checks that a van's engineer is an active engineer without another van.
fn van_engineer(
    conn: &mut DbConnection,
    fields: &LocationFields,
    own: Option<&LocationId>,
) -> Result<(), AppError> {
    let Some(engineer) = fields.engineer_id.as_deref() else {
        return Ok(());
    };
    let id: UserId = typed(engineer, "engineer_id")?;
    let user = users::find(conn, &id)?;
    let is_engineer = match &user {
        Some(u) => u.active && u.roles()?.contains(&Role::Engineer),
        None => false,
    };
    if !is_engineer {
        return Err(ValidationError::new("engineer_id", "is not an active engineer").into());
    }
    if let Some(van) = ledger::van_of(conn, engineer)? {
        if Some(&van.id) != own {
            return Err(AppError::conflict(
                "van_exists",
                format!("the engineer already has a van: {}", van.name),
            ));
        }
    }
    Ok(())
}

/// Sets up a warehouse or an engineer's van.
pub fn add_location(conn: &mut DbConnection, fields: LocationFields) -> Result<Location, AppError> {
    let fields = fields.normalise()?;
    transaction(conn, |conn| {
        van_engineer(conn, &fields, None)?;
        let at = now();
        let row = LocationRow {
            id: LocationId::new(),
            kind: fields.kind,
            name: fields.name,
            engineer_id: fields.engineer_id,
            address: fields.address,
            allow_negative: fields.allow_negative,
            active: fields.active,
            created_at: at,
            updated_at: at,
        };
        ledger::insert_location(conn, &row)?;
        Ok(row.view())
    })
}

/// Changes a location's name, address, rule or engineer (a van handed over);
/// a warehouse does not become a van.
pub fn change_location(
    conn: &mut DbConnection,
    id: &LocationId,
    fields: LocationFields,
) -> Result<Location, AppError> {
    let fields = fields.normalise()?;
    transaction(conn, |conn| {
        let old = ledger::find_location(conn, id)?.ok_or_else(not_found)?;
        if old.kind != fields.kind {
            return Err(ValidationError::new(
                "kind",
                "a location keeps its kind; set up a new one instead",
            )
            .into());
        }
        van_engineer(conn, &fields, Some(id))?;
        let row = LocationRow {
            id: old.id,
            kind: fields.kind,
            name: fields.name,
            engineer_id: fields.engineer_id,
            address: fields.address,
            allow_negative: fields.allow_negative,
            active: fields.active,
            created_at: old.created_at,
            updated_at: now(),
        };
        ledger::update_location(conn, &row)?;
        Ok(row.view())
    })
}

/// Every location.
pub fn locations(conn: &mut DbConnection) -> Result<Vec<Location>, AppError> {
    Ok(ledger::locations(conn)?
        .into_iter()
        .map(LocationRow::view)
        .collect())
}

/// Goods in: `{"location_id", "lines": [{"part_id", "quantity"}], "reason"?}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub location_id: String,
    pub lines: Vec<Line>,
    /// The supplier's delivery note, an invoice number.
    #[serde(default)]
    pub reason: Option<String>,
}

/// From one location to another, each line in full or nothing at all.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub from_location_id: String,
    pub to_location_id: String,
    pub lines: Vec<Line>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A correction: signed quantities and why (broken in transport, found).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    pub location_id: String,
    pub lines: Vec<Line>,
    pub reason: String,
}

/// A stock count: what was counted of each listed part; the ledger records the
/// differences from what it held.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub location_id: String,
    pub lines: Vec<Line>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Parts that came back from a visit (taken out again, refused by the
/// customer): each line at most what the order's visits were issued of it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Return {
    pub work_order_id: String,
    /// Where they go back to: the van they came from, or a warehouse.
    pub location_id: String,
    pub lines: Vec<Line>,
    pub reason: String,
}

/// The ledger rows one action wrote, in the order of its lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct Moved {
    pub batch_id: MovementId,
    pub movements: Vec<Movement>,
}

/// A location an action moves stock at: existing and active.
fn active_location(
    conn: &mut DbConnection,
    raw: &str,
    field: &str,
) -> Result<LocationRow, AppError> {
    let id: LocationId = typed(raw, field)?;
    match ledger::find_location(conn, &id)? {
        Some(l) if l.active => Ok(l),
        Some(_) => Err(ValidationError::new(field, "is an archived location").into()),
        None => Err(ValidationError::new(field, "is not a stock location").into()),
    }
}

fn reason(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    text::optional("reason", raw, LINE)
}

/// Goods received at a location.
pub fn receive(conn: &mut DbConnection, actor: &Actor, r: Receipt) -> Result<Moved, AppError> {
    let lines = stock::lines(&r.lines, Quantity::positive)?;
    let why = reason(r.reason.as_deref())?;
    at_one_location(
        conn,
        actor,
        &r.location_id,
        lines,
        MovementKind::Receipt,
        Change::By,
        why,
    )
}

/// Stock moved from one location to another.
pub fn transfer(conn: &mut DbConnection, actor: &Actor, t: Transfer) -> Result<Moved, AppError> {
    let lines = stock::lines(&t.lines, Quantity::positive)?;
    let why = reason(t.reason.as_deref())?;
    transaction(conn, |conn| {
        let from = active_location(conn, &t.from_location_id, "from_location_id")?;
        let to = active_location(conn, &t.to_location_id, "to_location_id")?;
        if from.id == to.id {
            return Err(
                ValidationError::new("to_location_id", "is the location it comes from").into(),
            );
        }
        let mut legs = vec![];
        for (part, q) in lines {
            legs.push(leg(
                part.clone(),
                &from.id,
                MovementKind::TransferOut,
                Change::By(-q),
            ));
            legs.push(leg(part, &to.id, MovementKind::TransferIn, Change::By(q)));
        }
        apply(conn, actor, legs, why, None)
    })
}

/// A correction with its reason.
pub fn adjust(conn: &mut DbConnection, actor: &Actor, a: Adjustment) -> Result<Moved, AppError> {
    let lines = stock::lines(&a.lines, stock::nonzero)?;
    let why = text::required("reason", &a.reason, LINE)?;
    at_one_location(
        conn,
        actor,
        &a.location_id,
        lines,
        MovementKind::Adjustment,
        Change::By,
        Some(why),
    )
}

/// Parts back from a visit: `return` rows with the order's id, never more
/// of a part than the order's visits were issued and kept.
pub fn return_from_visit(
    conn: &mut DbConnection,
    actor: &Actor,
    r: Return,
) -> Result<Moved, AppError> {
    let lines = stock::lines(&r.lines, Quantity::positive)?;
    let why = text::required("reason", &r.reason, LINE)?;
    let order: WorkOrderId = typed(&r.work_order_id, "work_order_id")?;
    transaction(conn, |conn| {
        crate::store::work_orders::find(conn, &order)?
            .ok_or_else(|| ValidationError::new("work_order_id", "is not a work order"))?;
        let at = active_location(conn, &r.location_id, "location_id")?;
        for (i, (part, q)) in lines.iter().enumerate() {
            let kept = ledger::issued_to_order(conn, order.as_str(), part)?;
            if *q > kept {
                return Err(ValidationError::new(
                    format!("lines[{i}].quantity"),
                    format!("the order's visits were issued {kept} of it"),
                )
                .into());
            }
        }
        let legs = lines
            .into_iter()
            .map(|(part, q)| leg(part, &at.id, MovementKind::Return, Change::By(q)))
            .collect();
        apply(conn, actor, legs, Some(why), Some(&order))
    })
}

/// A count: each listed part set to what was counted, the difference on the ledger.
pub fn count(conn: &mut DbConnection, actor: &Actor, c: Count) -> Result<Moved, AppError> {
    let lines = stock::lines(&c.lines, stock::counted)?;
    let why = reason(c.reason.as_deref())?;
    at_one_location(
        conn,
        actor,
        &c.location_id,
        lines,
        MovementKind::Count,
        Change::CountedAt,
        why,
    )
}

/// An action at one location, one leg a line, in one transaction.
fn at_one_location(
    conn: &mut DbConnection,
    actor: &Actor,
    location: &str,
    lines: Vec<(PartId, Quantity)>,
    kind: MovementKind,
    change: fn(Quantity) -> Change,
    why: Option<String>,
) -> Result<Moved, AppError> {
    transaction(conn, |conn| {
        let at = active_location(conn, location, "location_id")?;
        let legs = lines
            .into_iter()
            .map(|(part, q)| leg(part, &at.id, kind, change(q)))
            .collect();
        apply(conn, actor, legs, why, None)
    })
}

pub(super) fn leg(
    part_id: PartId,
    location: &LocationId,
    kind: MovementKind,
    change: Change,
) -> Leg {
    Leg {
        part_id,
        location_id: location.clone(),
        kind,
        change,
    }
}

/// Applies the legs of one action inside its transaction: the parts checked,
/// each quantity changed (in a fixed order of rows, so two actions over the
/// same rows queue instead of deadlocking), the ledger rows written in the
/// order of the legs. A leg that would go below zero refuses the whole action.
pub(super) fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    legs: Vec<Leg>,
    reason: Option<String>,
    order: Option<&WorkOrderId>,
) -> Result<Moved, AppError> {
    let ids: Vec<PartId> = dedup(legs.iter().map(|l| l.part_id.clone()));
    let parts = super::parts::named(conn, &ids)?;
    let at = now();
    let mut rows_in_order: Vec<usize> = (0..legs.len()).collect();
    rows_in_order.sort_by(|&a, &b| {
        (&legs[a].location_id, &legs[a].part_id).cmp(&(&legs[b].location_id, &legs[b].part_id))
    });
    let mut results = vec![(Quantity::ZERO, Quantity::ZERO); legs.len()];
    // An action touches one or two locations, however many lines it has.
    let mut places: Vec<LocationRow> = vec![];
    for i in rows_in_order {
        let l = &legs[i];
        if !places.iter().any(|p| p.id == l.location_id) {
            places.push(ledger::find_location(conn, &l.location_id)?.ok_or_else(not_found)?);
        }
        let location = places
            .iter()
            .find(|p| p.id == l.location_id)
            .ok_or_else(not_found)?;
        results[i] = match l.change {
            Change::By(by) => {
                match ledger::change(
                    conn,
                    &l.location_id,
                    &l.part_id,
                    by,
                    location.allow_negative,
                    at,
                )? {
                    Some(after) => (by, after),
                    None => return Err(short(conn, l, location, &parts, by)?),
                }
            }
            Change::CountedAt(counted) => {
                let before = ledger::count(conn, &l.location_id, &l.part_id, counted, at)?;
                (counted - before, counted)
            }
        };
    }
    let batch_id = MovementId::new();
    let account = actor.account().cloned();
    let rows: Vec<MovementRow> = legs
        .iter()
        .zip(results)
        .map(|(l, (by, after))| MovementRow {
            id: MovementId::new(),
            batch_id: batch_id.clone(),
            part_id: l.part_id.clone(),
            location_id: l.location_id.clone(),
            kind: l.kind,
            quantity: by.milli(),
            on_hand_after: after.milli(),
            reason: reason.clone(),
            work_order_id: order.map(ToString::to_string),
            actor_id: account.clone(),
            created_at: at,
        })
        .collect();
    ledger::insert_movements(conn, &rows)?;
    let touched: Vec<(LocationId, PartId)> = legs
        .iter()
        .map(|l| (l.location_id.clone(), l.part_id.clone()))
        .collect();
    super::stock_alerts::follow(conn, &touched, at)?;
    let name = match &account {
        Some(id) => users::find(conn, id)?.map(|u| u.name),
        None => None,
    };
    Ok(Moved {
        batch_id,
        movements: rows.into_iter().map(|r| r.view(name.clone())).collect(),
    })
}

fn dedup(ids: impl Iterator<Item = PartId>) -> Vec<PartId> {
    let mut out: Vec<PartId> = vec![];
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The 409 of a leg that would take a location below zero, with what it holds.
fn short(
    conn: &mut DbConnection,
    leg: &Leg,
    location: &LocationRow,
    parts: &[PartRow],
    by: Quantity,
) -> Result<AppError, AppError> {
    let on_hand = ledger::level(conn, &leg.location_id, &leg.part_id)?
        .map_or(Quantity::ZERO, |l| Quantity::from_milli(l.on_hand));
    let sku = parts
        .iter()
        .find(|p| p.id == leg.part_id)
        .map_or("", |p| p.sku.as_str());
    let wanted = -by;
    Ok(AppError::Conflict {
        code: "insufficient_stock",
        message: format!(
            "{} holds {on_hand} of {sku}; {wanted} wanted",
            location.name
        ),
        details: Some(json!({
            "part_id": leg.part_id,
            "sku": sku,
            "location_id": leg.location_id,
            "on_hand": on_hand,
            "wanted": wanted,
        })),
    })
}

/// One part at a location as a stock list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockLine {
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub on_hand: Quantity,
    /// Promised to agreed orders.
    pub reserved: Quantity,
    /// On hand and not promised: what another order may still have.
    pub available: Quantity,
    pub minimum: Option<Quantity>,
    /// Less available than the minimum, or less on hand than promised.
    pub low: bool,
}

impl StockLine {
    fn new(level: &ledger::LevelRow, part: PartRow) -> StockLine {
        let on_hand = Quantity::from_milli(level.on_hand);
        let reserved = Quantity::from_milli(level.reserved);
        let available = stock::free(on_hand, reserved);
        let minimum = level.minimum.map(Quantity::from_milli);
        StockLine {
            part_id: part.id,
            sku: part.sku,
            name: part.name,
            unit: part.unit,
            low: stock::is_low(on_hand, reserved, minimum),
            on_hand,
            reserved,
            available,
            minimum,
        }
    }
}

/// A page of what a location holds (`below_minimum` for only what runs low).
pub fn stock_at(
    conn: &mut DbConnection,
    location: &LocationId,
    below_minimum: bool,
    page: &PageRequest,
) -> Result<Page<StockLine>, AppError> {
    ledger::find_location(conn, location)?.ok_or_else(not_found)?;
    Ok(ledger::levels_at(conn, location, below_minimum, page)?
        .map(|(level, part)| StockLine::new(&level, part)))
}

/// A part at one location, as the part's own page lists them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartAt {
    pub location_id: LocationId,
    pub location: String,
    pub kind: LocationKind,
    pub on_hand: Quantity,
    /// Promised to agreed orders.
    pub reserved: Quantity,
    pub minimum: Option<Quantity>,
}

/// Where a part is, and how many.
pub fn part_stock(conn: &mut DbConnection, part: &PartId) -> Result<Vec<PartAt>, AppError> {
    super::parts::get(conn, part)?;
    let places = ledger::locations(conn)?;
    Ok(ledger::levels_of_part(conn, part)?
        .into_iter()
        .filter_map(|level| {
            let place = places.iter().find(|p| p.id == level.location_id)?;
            Some(PartAt {
                location_id: level.location_id,
                location: place.name.clone(),
                kind: place.kind,
                on_hand: Quantity::from_milli(level.on_hand),
                reserved: Quantity::from_milli(level.reserved),
                minimum: level.minimum.map(Quantity::from_milli),
            })
        })
        .collect())
}

/// A part's minimum at a location: `{"part_id", "minimum"}` (null clears it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Minimum {
    pub part_id: String,
    pub minimum: Option<f64>,
}

/// Sets the level below which a part runs low at a location.
pub fn set_minimum(
    conn: &mut DbConnection,
    location: &LocationId,
    m: Minimum,
) -> Result<StockLine, AppError> {
    let part: PartId = typed(&m.part_id, "part_id")?;
    let minimum = m
        .minimum
        .map(|v| stock::counted("minimum", v))
        .transpose()?;
    transaction(conn, |conn| {
        ledger::find_location(conn, location)?.ok_or_else(not_found)?;
        let row = crate::store::parts::find(conn, &part)?
            .ok_or_else(|| ValidationError::new("part_id", "is not a part of the catalogue"))?;
        ledger::set_minimum(conn, location, &part, minimum, now())?;
        super::stock_alerts::follow(conn, &[(location.clone(), part.clone())], now())?;
        let level = ledger::level(conn, location, &part)?
            .ok_or_else(|| AppError::internal("a level without its row"))?;
        Ok(StockLine::new(&level, row))
    })
}

/// A page of a part's ledger.
pub fn movements_of_part(
    conn: &mut DbConnection,
    part: &PartId,
    page: &PageRequest,
) -> Result<Page<Movement>, AppError> {
    super::parts::get(conn, part)?;
    ledger::movements(conn, Of::Part(part), page)
}

/// A page of a location's ledger.
pub fn movements_at(
    conn: &mut DbConnection,
    location: &LocationId,
    page: &PageRequest,
) -> Result<Page<Movement>, AppError> {
    ledger::find_location(conn, location)?.ok_or_else(not_found)?;
    ledger::movements(conn, Of::Location(location), page)
}

/// A line of a location's purchase list: a part below its minimum, what
/// brings it back, and what that costs (per line: parts may be costed in
/// different currencies, so lines are never summed).
#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseLine {
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    pub unit: String,
    pub on_hand: Quantity,
    /// Promised to agreed orders: bought for as well.
    pub reserved: Quantity,
    pub minimum: Option<Quantity>,
    /// What keeps every promise and brings the free stock back to the minimum.
    pub to_order: Quantity,
    /// One unit's cost, in minor units of `currency`.
    pub unit_cost: i64,
    /// `to_order` × `unit_cost`, to the minor unit.
    pub line_cost: i64,
    pub currency: String,
}

/// Every active part below its minimum at a location, by SKU.
pub fn purchase_list(
    conn: &mut DbConnection,
    location: &LocationId,
) -> Result<Vec<PurchaseLine>, AppError> {
    ledger::find_location(conn, location)?.ok_or_else(not_found)?;
    let mut out = vec![];
    let mut page = PageRequest {
        limit: 200,
        cursor: None,
    };
    loop {
        let rows = ledger::levels_at(conn, location, true, &page)?;
        for (level, part) in rows.items {
            let on_hand = Quantity::from_milli(level.on_hand);
            let reserved = Quantity::from_milli(level.reserved);
            let minimum = level.minimum.map(Quantity::from_milli);
            let Some(to_order) = stock::to_order(on_hand, reserved, minimum) else {
                continue;
            };
            if !part.active {
                continue;
            }
            out.push(PurchaseLine {
                line_cost: stock::cost_of(to_order, part.cost),
                sku: part.sku,
                name: part.name,
                barcode: part.barcode,
                unit: part.unit,
                on_hand,
                reserved,
                minimum,
                to_order,
                unit_cost: part.cost,
                currency: part.currency,
            });
        }
        match rows.next_cursor {
            Some(next) => page.cursor = Some(next),
            None => break,
        }
    }
    out.sort_by(|a, b| a.sku.cmp(&b.sku));
    Ok(out)
}
