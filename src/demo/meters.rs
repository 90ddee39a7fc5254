//! The demo's filter by use: a customer's cartridge filter with a litres
//! meter read every three days for the past hundred days, and a plan to
//! change the cartridges every 5,000 litres. At about 45 litres a day the
//! readings forecast the threshold within the month, so the inbox holds the
//! reminder forecast from them.

use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::Rng;

use super::{DemoCustomer, Staff};
use crate::core::ids::typed;
use crate::core::meter::{
    MeterFields, MeterKind, MeterMode, NewReading, ReadingKind, ReadingSource,
};
use crate::core::plan::{PlanFields, RecurrenceKind};
use crate::core::role::Role;
use crate::core::work_order::ScopeLine;
use crate::error::AppError;
use crate::flow::{meters, plans};
use crate::runtime::Runtime;
use crate::store::DbConnection;

/// Litres between cartridge changes.
const EVERY_LITRES: f64 = 5_000.0;
/// The days since the last change, when the meter was set to count.
const SINCE_SERVICE: i64 = 100;

/// Puts the meter, its readings and the plan by use on the customer's filter.
pub fn load(
    conn: &mut DbConnection,
    runtime: &Runtime,
    staff: &Staff,
    customer: &DemoCustomer,
    rng: &mut StdRng,
) -> Result<(), AppError> {
    let manager = runtime.actor(&staff.managers[0], vec![Role::Manager]);
    let Some(filter) = &customer.filter_id else {
        return Ok(());
    };
    let piece = typed(filter, "equipment_id")?;
    let meter = meters::add(
        conn,
        &manager,
        &piece,
        MeterFields {
            kind: MeterKind::Litres,
            mode: MeterMode::Cumulative,
            unit: None,
            name: Some("Treated water".into()),
            low: None,
            high: None,
        },
    )?;
    let now = Utc::now();
    let mut litres = 0.0;
    let readings: Vec<NewReading> = (0..=SINCE_SERVICE / 3)
        .map(|i| {
            if i > 0 {
                litres += 3.0 * rng.gen_range(42.0..48.0_f64);
            }
            NewReading {
                value: litres.round(),
                read_at: Some(now - Duration::days(SINCE_SERVICE - 3 * i) - Duration::hours(1)),
                kind: ReadingKind::Reading,
            }
        })
        .collect();
    meters::record_many(
        conn,
        &manager,
        &meter.id,
        &readings,
        ReadingSource::Import,
        |_, e| e,
    )?;
    let plan = plans::create(
        conn,
        &manager,
        &piece,
        PlanFields {
            service_kind: "Cartridge set change".into(),
            scope_lines: vec![ScopeLine::work(
                "Cartridge set change (every 5,000 litres)",
                1.0,
                145_000,
            )],
            estimated_minutes: Some(60),
            required_skills: vec![],
            lead_days: 30,
            notify_customer: true,
            active: true,
            ends_on: None,
            recurrence: RecurrenceKind::Usage,
            rrule: None,
            starts_on: None,
            every: None,
            unit: None,
            meter_id: Some(meter.id.clone()),
            every_units: Some(EVERY_LITRES),
        },
    )?;
    let served = now - Duration::days(SINCE_SERVICE);
    plans::completed(
        conn,
        &manager,
        &plan.id,
        served.with_timezone(&manager.timezone).date_naive(),
        served.naive_utc(),
    )
}
