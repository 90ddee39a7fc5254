//! How much a customer's equipment uses: each counter's daily rate and its
//! last 30 days, and the sums per unit — litres with litres, hours with
//! hours, never one unit added to another.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use super::ids::PlanId;
use super::meter::{Meter, MeterKind, MeterMode};

/// The days a meter's recent use is counted over.
pub const RECENT_DAYS: i64 = 30;

/// One meter's use, with the plans by use that count it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeterUse {
    pub meter: Meter,
    /// The unit its figures are in ("litres", "hours", or a custom unit).
    pub unit: String,
    /// Units counted from 30 days ago (between the readings around it, as if
    /// at an even rate) to the last reading; none for a gauge or without readings.
    pub last_30_days: Option<f64>,
    pub plans: Vec<PlanDue>,
}

/// A plan by use counting a meter, and the day its readings forecast.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanDue {
    pub plan_id: PlanId,
    pub every_units: f64,
    /// Units left until the service is due (below zero: past it).
    pub units_left: Option<f64>,
    pub forecast_on: Option<NaiveDate>,
}

/// The sum of a unit's counters at one customer.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct UnitTotal {
    pub unit: String,
    pub meters: usize,
    /// The sum of the daily rates known (meters without a rate are left out).
    pub per_day: Option<f64>,
    pub last_30_days: Option<f64>,
}

/// A customer's consumption.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Consumption {
    pub customer_id: String,
    pub meters: Vec<MeterUse>,
    pub per_unit: Vec<UnitTotal>,
}

/// A counter's total at a moment between two readings, as if it ran at an
/// even rate between them; before its first reading, that reading's total
/// (what it counted before is unknown); after its last, the last.
pub fn total_between(
    before: Option<(NaiveDateTime, f64)>,
    after: Option<(NaiveDateTime, f64)>,
    at: NaiveDateTime,
) -> f64 {
    match (before, after) {
        (Some((t0, v0)), Some((t1, v1))) if t1 > t0 => {
            let share = (at - t0).num_seconds() as f64 / (t1 - t0).num_seconds() as f64;
            v0 + (v1 - v0) * share.clamp(0.0, 1.0)
        }
        (Some((_, v)), _) | (None, Some((_, v))) => v,
        (None, None) => 0.0,
    }
}

/// The unit a meter's figures are in.
pub fn unit_of(meter: &Meter) -> String {
    match meter.fields.kind {
        MeterKind::Custom => meter.fields.unit.clone().unwrap_or_default(),
        kind => kind.as_str().to_owned(),
    }
}

/// The counters' sums per unit, in the order units first appear; gauges
/// read a level, which does not add up, so they are left out.
pub fn per_unit(meters: &[MeterUse]) -> Vec<UnitTotal> {
    let mut out: Vec<UnitTotal> = vec![];
    for m in meters
        .iter()
        .filter(|m| m.meter.fields.mode == MeterMode::Cumulative)
    {
        let at = match out.iter().position(|t| t.unit == m.unit) {
            Some(i) => i,
            None => {
                out.push(UnitTotal {
                    unit: m.unit.clone(),
                    meters: 0,
                    per_day: None,
                    last_30_days: None,
                });
                out.len() - 1
            }
        };
        let total = &mut out[at];
        total.meters += 1;
        let add = |sum: Option<f64>, v: Option<f64>| match (sum, v) {
            (s, None) => s,
            (s, Some(v)) => Some(s.unwrap_or(0.0) + v),
        };
        total.per_day = add(total.per_day, m.meter.daily_rate);
        total.last_30_days = add(total.last_30_days, m.last_30_days);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::{EquipmentId, MeterId};
    use crate::core::meter::MeterFields;

    fn counter(kind: MeterKind, unit: Option<&str>, rate: Option<f64>, month: f64) -> MeterUse {
        let meter = Meter {
            id: MeterId::new(),
            equipment_id: EquipmentId::new(),
            customer_id: "c".into(),
            fields: MeterFields {
                kind,
                mode: MeterMode::Cumulative,
                unit: unit.map(str::to_owned),
                name: None,
                low: None,
                high: None,
            },
            last: None,
            daily_rate: rate,
            created_at: chrono::Utc::now(),
        };
        MeterUse {
            unit: unit_of(&meter),
            meter,
            last_30_days: Some(month),
            plans: vec![],
        }
    }

    #[test]
    fn a_total_between_readings_is_taken_at_an_even_rate() {
        let t = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 3, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        };
        let (a, b) = (Some((t(1), 100.0)), Some((t(11), 200.0)));
        assert_eq!(total_between(a, b, t(5)), 140.0);
        assert_eq!(total_between(a, None, t(20)), 100.0);
        assert_eq!(total_between(None, b, t(5)), 200.0);
        assert_eq!(total_between(None, None, t(5)), 0.0);
    }

    #[test]
    fn units_are_summed_apart() {
        let mut gauge = counter(MeterKind::Custom, Some("bar"), None, 0.0);
        gauge.meter.fields.mode = MeterMode::Gauge;
        let meters = [
            counter(MeterKind::Litres, None, Some(40.0), 1200.0),
            counter(MeterKind::Hours, None, Some(8.0), 240.0),
            counter(MeterKind::Litres, None, None, 300.0),
            counter(MeterKind::Custom, Some("m³"), Some(0.5), 15.0),
            gauge,
        ];
        let totals = per_unit(&meters);
        let by = |u: &str| totals.iter().find(|t| t.unit == u).unwrap().clone();
        assert_eq!(totals.len(), 3, "the gauge is not summed: {totals:?}");
        assert_eq!(by("litres").meters, 2);
        assert_eq!(by("litres").per_day, Some(40.0));
        assert_eq!(by("litres").last_30_days, Some(1500.0));
        assert_eq!(by("hours").per_day, Some(8.0));
        assert_eq!(by("m³").last_30_days, Some(15.0));
    }
}
