//! Stock: where parts are (a warehouse, an engineer's van) and how many.
//! Every change is a movement, a row of the ledger that is never overwritten;
//! the quantity on hand per part and location moves with it in the same
//! transaction, and never below zero unless the location allows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;

use super::fields::text_enum;
use super::ids::{LocationId, MovementId, PartId, UserId};
use super::text::{self, LINE, SHORT};
use super::ValidationError;

/// Thousandths of a part's unit: 2.5 metres of hose is 2,500. Integers, so a
/// ledger of a million rows adds up exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(i64);

/// The largest quantity one line may move: a billion units.
const MAX_UNITS: f64 = 1e9;

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    /// From stored thousandths.
    pub fn from_milli(milli: i64) -> Quantity {
        Quantity(milli)
    }

    /// A quantity already checked to three decimals (a scope line, a part
    /// used), to the nearest thousandth.
    pub fn of_checked(units: f64) -> Quantity {
        Quantity((units * 1000.0).round() as i64)
    }

    /// Whole units, for tests and sums of pieces.
    pub fn units(n: i64) -> Quantity {
        Quantity(n.saturating_mul(1000))
    }

    /// The stored thousandths.
    pub fn milli(self) -> i64 {
        self.0
    }

    /// A quantity a person entered: finite, at most three decimals, within a
    /// billion units either way.
    pub fn parse(field: &str, value: f64) -> Result<Quantity, ValidationError> {
        if !value.is_finite() || value.abs() > MAX_UNITS {
            return Err(ValidationError::new(
                field,
                "must be a number within a billion units",
            ));
        }
        let milli = (value * 1000.0).round();
        if (milli - value * 1000.0).abs() > 1e-6 * value.abs().max(1.0) {
            return Err(ValidationError::new(
                field,
                "may have at most three decimals",
            ));
        }
        Ok(Quantity(milli as i64))
    }

    /// As [`Quantity::parse`], and more than zero: what a receipt, a transfer
    /// or a use moves.
    pub fn positive(field: &str, value: f64) -> Result<Quantity, ValidationError> {
        let q = Quantity::parse(field, value)?;
        if q.0 <= 0 {
            return Err(ValidationError::new(field, "must be more than zero"));
        }
        Ok(q)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl std::ops::Neg for Quantity {
    type Output = Quantity;
    fn neg(self) -> Quantity {
        Quantity(-self.0)
    }
}

impl std::ops::Sub for Quantity {
    type Output = Quantity;
    fn sub(self, other: Quantity) -> Quantity {
        Quantity(self.0.saturating_sub(other.0))
    }
}

impl std::ops::AddAssign for Quantity {
    fn add_assign(&mut self, other: Quantity) {
        *self = *self + other;
    }
}

impl std::ops::Add for Quantity {
    type Output = Quantity;
    fn add(self, other: Quantity) -> Quantity {
        Quantity(self.0.saturating_add(other.0))
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl utoipa::PartialSchema for Quantity {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
            .into()
    }
}

impl utoipa::ToSchema for Quantity {}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (sign, abs) = (if self.0 < 0 { "-" } else { "" }, self.0.unsigned_abs());
        match abs % 1000 {
            0 => write!(f, "{sign}{}", abs / 1000),
            frac => {
                let digits = format!("{frac:03}");
                write!(f, "{sign}{}.{}", abs / 1000, digits.trim_end_matches('0'))
            }
        }
    }
}

text_enum! {
    /// A place stock is kept: a warehouse, or an engineer's van.
    pub enum LocationKind {
        Warehouse => "warehouse",
        Van => "van",
    }
}

/// What may be set on a location.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LocationFields {
    pub kind: LocationKind,
    /// "Main warehouse", "Van of Petro".
    pub name: String,
    /// The engineer whose van it is: required for a van, absent for a warehouse.
    #[serde(default)]
    pub engineer_id: Option<String>,
    /// Where a warehouse is, for the engineer who picks up from it.
    #[serde(default)]
    pub address: Option<String>,
    /// Whether stock here may go below zero (a van whose use is booked before
    /// its receipt); refused otherwise.
    #[serde(default)]
    pub allow_negative: bool,
    /// An archived location takes no more movements.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl LocationFields {
    /// The fields as kept; a van names its engineer, a warehouse none.
    pub fn normalise(self) -> Result<LocationFields, ValidationError> {
        let name = text::required("name", &self.name, SHORT)?;
        let address = text::optional("address", self.address.as_deref(), LINE)?;
        let engineer_id = match (self.kind, self.engineer_id.as_deref()) {
            (LocationKind::Van, Some(e)) => Some(
                crate::core::ids::parse_id(e)
                    .ok_or_else(|| ValidationError::new("engineer_id", "is not a valid id"))?,
            ),
            (LocationKind::Van, None) => {
                return Err(ValidationError::new(
                    "engineer_id",
                    "a van is an engineer's: name the engineer",
                ))
            }
            (LocationKind::Warehouse, Some(_)) => {
                return Err(ValidationError::new(
                    "engineer_id",
                    "a warehouse is nobody's van: leave it out",
                ))
            }
            (LocationKind::Warehouse, None) => None,
        };
        Ok(LocationFields {
            name,
            address,
            engineer_id,
            ..self
        })
    }
}

/// A location as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Location {
    pub id: LocationId,
    #[serde(flatten)]
    pub fields: LocationFields,
    pub created_at: DateTime<Utc>,
}

text_enum! {
    /// Why a quantity moved: the ledger's kinds of row.
    pub enum MovementKind {
        /// Goods in from a supplier.
        Receipt => "receipt",
        /// Out of a location, towards another (its pair is `transfer_in`).
        TransferOut => "transfer_out",
        /// Into a location, from another.
        TransferIn => "transfer_in",
        /// Used at a visit.
        Issue => "issue",
        /// Back from a visit, unused.
        Return => "return",
        /// A correction with its reason (broken, lost, found).
        Adjustment => "adjustment",
        /// The difference a stock count found.
        Count => "count",
        /// Held for an agreed order: what is promised changes, not what is on
        /// hand (the row's `quantity` is the change of the promise).
        Reservation => "reservation",
        /// A promise let go: the order was cancelled, postponed or done, or its
        /// parts moved to another place.
        Release => "release",
    }
}

impl MovementKind {
    /// Whether the row moves stock, rather than a promise of it: the
    /// quantities of these rows add up to what is on hand.
    pub fn moves_stock(self) -> bool {
        !matches!(self, MovementKind::Reservation | MovementKind::Release)
    }
}

/// One row of the ledger as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Movement {
    pub id: MovementId,
    pub part_id: PartId,
    pub location_id: LocationId,
    pub kind: MovementKind,
    /// Signed: what came in is positive, what went out negative.
    pub quantity: Quantity,
    /// On hand at the location after this row.
    pub on_hand_after: Quantity,
    /// The rows written by one action share it (a transfer's two sides, a count).
    pub batch_id: MovementId,
    pub reason: Option<String>,
    pub work_order_id: Option<String>,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One line of a movement request: which part and how many.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub part_id: String,
    /// How many; for an adjustment, signed (−2 for two broken), for a count,
    /// what was counted.
    pub quantity: f64,
}

/// What an action asks the ledger to do: change (part, location) by a quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    pub part_id: PartId,
    pub location_id: LocationId,
    pub kind: MovementKind,
    pub change: Change,
}

/// How a leg changes the quantity on hand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Add this (negative takes away).
    By(Quantity),
    /// Set it to what was counted; the row records the difference.
    CountedAt(Quantity),
}

/// Where a line's values went wrong, named as the request's field.
fn line_field(i: usize, name: &str) -> String {
    format!("lines[{i}].{name}")
}

/// The lines of a request checked and typed: at most `MAX_LINES`, each part
/// once, quantities by the action's rule.
pub fn lines(
    raw: &[Line],
    quantity: impl Fn(&str, f64) -> Result<Quantity, ValidationError>,
) -> Result<Vec<(PartId, Quantity)>, ValidationError> {
    if raw.is_empty() {
        return Err(ValidationError::new("lines", "must list at least one part"));
    }
    if raw.len() > MAX_LINES {
        return Err(ValidationError::new(
            "lines",
            format!("may list at most {MAX_LINES} parts"),
        ));
    }
    let mut out: Vec<(PartId, Quantity)> = Vec::with_capacity(raw.len());
    for (i, l) in raw.iter().enumerate() {
        let field = line_field(i, "part_id");
        let part: PartId = crate::core::ids::typed(&l.part_id, &field)?;
        if out.iter().any(|(p, _)| *p == part) {
            return Err(ValidationError::new(field, "is listed twice"));
        }
        out.push((part, quantity(&line_field(i, "quantity"), l.quantity)?));
    }
    Ok(out)
}

/// The most lines one action may carry (a count of a whole warehouse is sent
/// in pages of this size).
pub const MAX_LINES: usize = 1000;

/// A correction's signed quantity: not zero.
pub fn nonzero(field: &str, value: f64) -> Result<Quantity, ValidationError> {
    let q = Quantity::parse(field, value)?;
    if q.is_zero() {
        return Err(ValidationError::new(field, "must not be zero"));
    }
    Ok(q)
}

/// A counted quantity: not below zero.
pub fn counted(field: &str, value: f64) -> Result<Quantity, ValidationError> {
    let q = Quantity::parse(field, value)?;
    if q.milli() < 0 {
        return Err(ValidationError::new(field, "a count is never below zero"));
    }
    Ok(q)
}

/// Why a leg cannot be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Short {
    pub on_hand: Quantity,
    pub wanted: Quantity,
}

/// The quantity after a change: what the rule of the ledger allows. Taking
/// more than is on hand is refused unless the location allows negative stock.
pub fn after(on_hand: Quantity, by: Quantity, allow_negative: bool) -> Result<Quantity, Short> {
    let next = on_hand + by;
    if by.milli() < 0 && next.milli() < 0 && !allow_negative {
        return Err(Short {
            on_hand,
            wanted: -by,
        });
    }
    Ok(next)
}

/// What is free of a part: on hand (what a van owes counts as none) less
/// what is promised to agreed orders; below zero when more is promised than held.
pub fn free(on_hand: Quantity, reserved: Quantity) -> Quantity {
    on_hand.max(Quantity::ZERO) - reserved
}

/// Whether a part runs low: less free than its minimum, or less on hand than
/// is promised.
pub fn is_low(on_hand: Quantity, reserved: Quantity, minimum: Option<Quantity>) -> bool {
    let free = free(on_hand, reserved);
    free < minimum.unwrap_or(Quantity::ZERO)
}

/// What to buy of a part that runs low: enough to keep every promise and
/// bring what is free back to its minimum; nothing when it is not low.
pub fn to_order(
    on_hand: Quantity,
    reserved: Quantity,
    minimum: Option<Quantity>,
) -> Option<Quantity> {
    is_low(on_hand, reserved, minimum)
        .then(|| minimum.unwrap_or(Quantity::ZERO) - free(on_hand, reserved))
}

/// The cost of a quantity at a unit cost in minor units, to the nearest
/// minor unit (half away from zero); saturates rather than wraps.
pub fn cost_of(quantity: Quantity, unit_cost: i64) -> i64 {
    let milli = i128::from(quantity.milli()) * i128::from(unit_cost);
    let rounded = (milli + milli.signum() * 500) / 1000;
    i64::try_from(rounded).unwrap_or(if rounded < 0 { i64::MIN } else { i64::MAX })
}

/// What an order holds of a part, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub part_id: PartId,
    pub location_id: LocationId,
    pub quantity: Quantity,
}

/// Where a change to an order's promise is made.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// Where the part is held already.
    At(LocationId),
    /// A warehouse, the flow's choice: the one with the most of it free.
    Warehouse,
}

/// One change to what an order holds: more promised (positive) or let go.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldChange {
    pub part_id: PartId,
    pub place: Place,
    pub by: Quantity,
}

/// The changes that bring what an order holds to what it wants now. A part
/// held where it may stay (a warehouse, the booked engineer's van: `stays`)
/// changes there; one held elsewhere (the van of an engineer no longer on the
/// order) is let go there and held again at a warehouse; a part no longer
/// wanted is let go.
pub fn rebalance(
    want: &[(PartId, Quantity)],
    held: &[Held],
    stays: impl Fn(&LocationId) -> bool,
) -> Vec<HoldChange> {
    let mut out = vec![];
    for h in held {
        let wanted = want
            .iter()
            .find(|(p, _)| *p == h.part_id)
            .map_or(Quantity::ZERO, |(_, q)| *q);
        let release_all = HoldChange {
            part_id: h.part_id.clone(),
            place: Place::At(h.location_id.clone()),
            by: -h.quantity,
        };
        if wanted.is_zero() {
            out.push(release_all);
        } else if !stays(&h.location_id) {
            out.push(release_all);
            out.push(HoldChange {
                part_id: h.part_id.clone(),
                place: Place::Warehouse,
                by: wanted,
            });
        } else if wanted != h.quantity {
            out.push(HoldChange {
                part_id: h.part_id.clone(),
                place: Place::At(h.location_id.clone()),
                by: wanted - h.quantity,
            });
        }
    }
    for (part, q) in want {
        if !q.is_zero() && !held.iter().any(|h| h.part_id == *part) {
            out.push(HoldChange {
                part_id: part.clone(),
                place: Place::Warehouse,
                by: *q,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_holds_what_it_wants_where_it_may() {
        let (a, b, c) = (PartId::new(), PartId::new(), PartId::new());
        let (store, van_a, van_b) = (LocationId::new(), LocationId::new(), LocationId::new());
        let q = Quantity::units;
        let held = |p: &PartId, l: &LocationId, n: i64| Held {
            part_id: p.clone(),
            location_id: l.clone(),
            quantity: q(n),
        };
        let change = |p: &PartId, place: Place, n: i64| HoldChange {
            part_id: p.clone(),
            place,
            by: q(n),
        };
        let stays = |l: &LocationId| *l == store || *l == van_b;
        let now = [
            held(&a, &store, 1),
            held(&b, &van_a, 2),
            held(&c, &store, 1),
        ];
        let want = [(a.clone(), q(3)), (b.clone(), q(2))];
        assert_eq!(
            rebalance(&want, &now, stays),
            vec![
                change(&a, Place::At(store.clone()), 2),
                change(&b, Place::At(van_a.clone()), -2),
                change(&b, Place::Warehouse, 2),
                change(&c, Place::At(store.clone()), -1),
            ]
        );
        // Nothing wanted: everything let go; nothing held: everything held anew.
        assert_eq!(rebalance(&[], &now, stays).len(), 3);
        assert_eq!(
            rebalance(&want, &[], stays),
            vec![
                change(&a, Place::Warehouse, 3),
                change(&b, Place::Warehouse, 2)
            ]
        );
        // Held as wanted, where it may stay: no change at all.
        assert!(rebalance(&[(a.clone(), q(1))], &[held(&a, &van_b, 1)], stays).is_empty());
    }

    #[test]
    fn quantities_are_exact_thousandths() {
        assert_eq!(Quantity::parse("q", 2.5).unwrap().milli(), 2500);
        assert_eq!(Quantity::parse("q", 0.1 + 0.2).unwrap().milli(), 300);
        assert_eq!(Quantity::parse("q", -1.125).unwrap().milli(), -1125);
        assert_eq!(Quantity::parse("q", 0.0001).unwrap_err().field, "q");
        assert!(Quantity::parse("q", f64::NAN).is_err());
        assert!(Quantity::parse("q", 1e10).is_err());
        assert!(Quantity::positive("q", 0.0).is_err());
        assert!(nonzero("q", 0.0).is_err());
        assert!(counted("q", -1.0).is_err());
        assert_eq!(Quantity::from_milli(2500).to_string(), "2.5");
        assert_eq!(Quantity::from_milli(-3000).to_string(), "-3");
        assert_eq!(Quantity::from_milli(1005).to_string(), "1.005");
    }

    #[test]
    fn stock_never_goes_below_zero_unless_allowed() {
        let one = Quantity::units(1);
        assert_eq!(after(one, -one, false), Ok(Quantity::ZERO));
        assert_eq!(
            after(one, Quantity::units(-2), false),
            Err(Short {
                on_hand: one,
                wanted: Quantity::units(2)
            })
        );
        assert_eq!(after(one, Quantity::units(-2), true), Ok(-one));
        // Below zero already (allowed once, then disallowed): receipts still come in.
        assert_eq!(after(-one, one, false), Ok(Quantity::ZERO));
    }

    #[test]
    fn lines_are_checked_and_named() {
        let part = PartId::new().to_string();
        let line = |p: &str, q: f64| Line {
            part_id: p.into(),
            quantity: q,
        };
        assert_eq!(lines(&[], Quantity::positive).unwrap_err().field, "lines");
        let twice = [line(&part, 1.0), line(&part, 2.0)];
        assert_eq!(
            lines(&twice, Quantity::positive).unwrap_err().field,
            "lines[1].part_id"
        );
        let zero = [line(&part, 0.0)];
        assert_eq!(
            lines(&zero, Quantity::positive).unwrap_err().field,
            "lines[0].quantity"
        );
        assert_eq!(
            lines(&[line("x", 1.0)], Quantity::positive)
                .unwrap_err()
                .field,
            "lines[0].part_id"
        );
        let ok = lines(&[line(&part, 1.5)], Quantity::positive).unwrap();
        assert_eq!(ok[0].1.milli(), 1500);
    }

    #[test]
    fn a_van_names_its_engineer() {
        let van = LocationFields {
            kind: LocationKind::Van,
            name: "Van".into(),
            engineer_id: None,
            address: None,
            allow_negative: false,
            active: true,
        };
        assert_eq!(van.clone().normalise().unwrap_err().field, "engineer_id");
        let warehouse = LocationFields {
            kind: LocationKind::Warehouse,
            engineer_id: Some(PartId::new().to_string()),
            ..van
        };
        assert_eq!(warehouse.normalise().unwrap_err().field, "engineer_id");
    }

    #[test]
    fn what_runs_low_is_bought_back_to_its_minimum() {
        let q = Quantity::units;
        let none = Quantity::ZERO;
        assert_eq!(to_order(q(2), none, Some(q(5))), Some(q(3)));
        assert_eq!(to_order(q(5), none, Some(q(5))), None);
        assert_eq!(to_order(q(9), none, Some(q(5))), None);
        assert_eq!(to_order(q(2), none, None), None);
        // A van below zero still only needs its minimum bought; the rest is owed.
        assert_eq!(to_order(q(-3), none, Some(q(2))), Some(q(2)));
        assert_eq!(
            to_order(Quantity::from_milli(1_250), none, Some(q(2))),
            Some(Quantity::from_milli(750))
        );
        // Promises are bought for: 4 on hand, 3 promised, minimum 2 → buy 1;
        // 1 on hand, 3 promised, no minimum → buy 2.
        assert_eq!(to_order(q(4), q(3), Some(q(2))), Some(q(1)));
        assert_eq!(to_order(q(1), q(3), None), Some(q(2)));
        assert!(is_low(q(1), q(3), None) && !is_low(q(3), q(3), None));
    }

    #[test]
    fn a_cost_is_rounded_to_the_minor_unit() {
        assert_eq!(cost_of(Quantity::units(3), 45_000), 135_000);
        // 0.25 m of hose at 3.99 a metre: 99.75 → 100 minor units.
        assert_eq!(cost_of(Quantity::from_milli(250), 399), 100);
        assert_eq!(cost_of(Quantity::from_milli(-250), 399), -100);
        assert_eq!(cost_of(Quantity::units(1_000_000_000), i64::MAX), i64::MAX);
    }
}
