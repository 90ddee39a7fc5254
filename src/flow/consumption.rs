//! A customer's consumption for the office: each meter's use and the plans by
//! use counting it, with their forecast days, and the sums per unit.

use chrono::{Duration, Utc};

use crate::core::consumption::{self, Consumption, MeterUse, PlanDue, RECENT_DAYS};
use crate::core::ids::CustomerId;
use crate::core::meter::MeterMode;
use crate::error::AppError;
use crate::store::customers::Customers;
use crate::store::meters::{self, ReadingRow};
use crate::store::records::get;
use crate::store::{naive, plans, DbConnection};

/// The customer's meters with their use, plans by use and sums per unit; a
/// 404 for a customer that does not exist.
pub fn of_customer(conn: &mut DbConnection, id: &CustomerId) -> Result<Consumption, AppError> {
    let customer = get::<Customers>(conn, id)?;
    let counting: Vec<_> = plans::for_customer(conn, id)?
        .into_iter()
        .filter(|p| p.active && p.meter_id.is_some())
        .collect();
    let month_ago = naive(Utc::now() - Duration::days(RECENT_DAYS));
    let mut uses = vec![];
    for row in meters::of_customer(conn, id)? {
        let meter = super::meters::view(conn, row)?;
        let last_total = meter.last.as_ref().map(|r| r.total);
        let last_30_days = match (meter.fields.mode, last_total) {
            (MeterMode::Cumulative, Some(last)) => {
                let (before, after) = meters::neighbours(conn, &meter.id, month_ago)?;
                let point = |r: ReadingRow| (r.read_at, r.total);
                let from =
                    consumption::total_between(before.map(point), after.map(point), month_ago);
                Some(last - from)
            }
            _ => None,
        };
        let plans = counting
            .iter()
            .filter(|p| p.meter_id.as_ref() == Some(&meter.id))
            .filter_map(|p| {
                let units = p.every_units?;
                let threshold = p.baseline_total.unwrap_or(0.0) + units;
                Some(PlanDue {
                    plan_id: p.id.clone(),
                    every_units: units,
                    units_left: last_total.map(|t| threshold - t),
                    forecast_on: p.forecast_on,
                })
            })
            .collect();
        uses.push(MeterUse {
            unit: consumption::unit_of(&meter),
            meter,
            last_30_days,
            plans,
        });
    }
    Ok(Consumption {
        customer_id: customer.id.to_string(),
        per_unit: consumption::per_unit(&uses),
        meters: uses,
    })
}
