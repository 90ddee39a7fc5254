//! The demo company's work in progress: maintenance plans coming due, promises kept on
//! the card, orders in every state, and engineers' days booked ahead — all made
//! through the same flow the API uses.

use crate::core::ids::UserId;
use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::stock::{DemoParts, SERVICE_PARTS};
use super::{DemoCustomer, Staff};
use crate::core::agreement::{AgreementDraft, AgreementKind};
use crate::core::plan::{PlanFields, RecurrenceKind};
use crate::core::recurrence::IntervalUnit;
use crate::core::role::Role;
use crate::core::work_order::{Priority, ScopeLine, WorkOrderDraft, WorkOrderKind};
use crate::error::AppError;
use crate::flow::actions::{act_at, Request, Step};
use crate::flow::{agreements, bodies, plans, work_orders, Actor};
use crate::runtime::Runtime;
use crate::store::DbConnection;

const SCOPES: &[(&str, i64)] = &[
    ("Cartridge set change", 145_000),
    ("Annual boiler service", 180_000),
    ("Air conditioner cleaning", 120_000),
    ("Softener resin regeneration", 95_000),
    ("Leak diagnosis", 60_000),
];

struct Booking {
    /// Next free slot per engineer: day offset * 4 + slot of the day.
    next_slot: Vec<usize>,
    /// Visits booked so far, to share them out among the engineers in turn.
    booked: usize,
}

/// A service's scope: its part (from the catalogue, at the catalogue's price)
/// and the labour that makes up the rest of the price.
fn scope(parts: &DemoParts, service: &str, price: i64) -> Vec<ScopeLine> {
    let part = SERVICE_PARTS
        .iter()
        .find(|(s, _)| *s == service)
        .and_then(|(_, sku)| parts.get(sku));
    match part {
        Some(id) => vec![
            ScopeLine {
                part_id: Some(id.clone()),
                ..ScopeLine::work(service, 1.0, crate::core::work_order::FROM_CATALOGUE)
            },
            ScopeLine::work("Labour", 1.0, price / 2),
        ],
        None => vec![ScopeLine::work(service, 1.0, price)],
    }
}

pub fn load(
    conn: &mut DbConnection,
    runtime: &Runtime,
    staff: &Staff,
    customers: &[DemoCustomer],
    parts: &DemoParts,
) -> Result<(), AppError> {
    let outbox = crate::store::db::Outbox::default();
    let outbox = &outbox;
    let actor = |id: &UserId, role: Role| runtime.actor(id, vec![role]);
    let today = Utc::now()
        .with_timezone(&runtime.config().timezone)
        .date_naive();
    let mut booking = Booking {
        next_slot: vec![0; staff.engineers.len()],
        booked: 0,
    };
    for (i, c) in customers.iter().enumerate() {
        let manager = actor(&staff.managers[i % staff.managers.len()], Role::Manager);
        let admin = actor(
            &staff.administrators[i % staff.administrators.len()],
            Role::Administrator,
        );
        // Every first piece of equipment is serviced every six months; the last service
        // was some day in the past half year, so due dates spread over the coming months
        // and the scheduler's start-up run fills the inbox with those due soon.
        let (service, price) = SCOPES[i % SCOPES.len()];
        let plan = plans::create(
            conn,
            &manager,
            &crate::core::ids::typed(&c.equipment_id, "equipment_id")?,
            PlanFields {
                service_kind: service.into(),
                scope_lines: scope(parts, service, price),
                estimated_minutes: Some(60),
                required_skills: vec![],
                lead_days: 30,
                notify_customer: true,
                active: true,
                ends_on: None,
                recurrence: RecurrenceKind::AfterCompletion,
                rrule: None,
                starts_on: None,
                every: Some(6),
                unit: Some(IntervalUnit::Months),
                meter_id: None,
                every_units: None,
            },
        )?;
        let served = today - Duration::days(((i * 37) % 175) as i64);
        plans::completed(
            conn,
            &manager,
            &plan.id,
            served,
            plans::end_of(served, manager.timezone),
        )?;
        if i % 9 == 4 {
            agreements::create(
                conn,
                &manager,
                &c.customer_id,
                AgreementDraft {
                    kind: AgreementKind::Discount,
                    text: "10% off the next service, promised on the phone".into(),
                    amount: None,
                    percent: Some(10.0),
                    valid_until: Some(today + Duration::days(365)),
                    follow_up_on: Some(today + Duration::days(30 + (i % 170) as i64)),
                },
            )?;
        }
        let stage = i % 20;
        if ![3, 7, 8, 11, 12, 13, 16].contains(&stage) {
            continue;
        }
        let (description, price) = SCOPES[i % SCOPES.len()];
        let order = work_orders::create(
            conn,
            &manager,
            WorkOrderDraft {
                customer_id: c.customer_id.to_string(),
                site_id: c.site_id.clone(),
                equipment_ids: vec![c.equipment_id.clone()],
                scope_lines: scope(parts, description, price),
                currency: None,
                estimated_minutes: Some(60 + (i % 3) as i32 * 30),
                kind: Some(match i % 9 {
                    0 => WorkOrderKind::Installation,
                    4 => WorkOrderKind::Repair,
                    _ => WorkOrderKind::Service,
                }),
                priority: Some(if i % 40 == 11 {
                    Priority::Urgent
                } else {
                    Priority::Normal
                }),
                required_skills: vec![],
                engineer_notes: None,
                time_wishes: (i % 2 == 0).then(|| "mornings preferred".to_owned()),
                time_windows: vec![],
            },
            None,
        )?;
        let id = order.work_order.id;
        if stage == 3 {
            continue;
        }
        let mut version = 1;
        // Each step at its moment: now, or for the history of a past visit the
        // moment it happened (a visit is booked before it begins).
        let mut step_at = |conn: &mut DbConnection,
                           who: &Actor,
                           request: Request,
                           at: chrono::NaiveDateTime|
         -> Result<(), AppError> {
            act_at(
                conn,
                outbox,
                who,
                &id,
                Step::at_version(request, Some(version)),
                at,
            )?;
            version += 1;
            Ok(())
        };
        let now = crate::store::now();
        step_at(
            conn,
            &manager,
            Request::Agree(bodies::Agree::default()),
            now,
        )?;
        step_at(
            conn,
            &manager,
            Request::SendToScheduling(bodies::VersionOnly::default()),
            now,
        )?;
        if stage == 7 || stage == 8 {
            continue;
        }
        let e = booking.booked % staff.engineers.len();
        booking.booked += 1;
        let slot = booking.next_slot[e];
        booking.next_slot[e] += 1;
        let (day, start_hour) = if stage == 16 {
            (
                today - Duration::days(1 + (slot / 4) as i64),
                9 + (slot % 4) as u32 * 2,
            )
        } else {
            (
                today + Duration::days((slot / 4) as i64),
                9 + (slot % 4) as u32 * 2,
            )
        };
        let start = local(runtime, day, start_hour);
        let end = start + Duration::minutes(90);
        let booked_at = if stage == 16 {
            (start - Duration::days(2)).naive_utc()
        } else {
            now
        };
        step_at(
            conn,
            &admin,
            Request::Schedule(bodies::Schedule {
                version: None,
                engineer_id: staff.engineers[e].to_string(),
                start,
                end,
                on_site_contact_id: Some(c.contact_id.clone()),
                force: true,
            }),
            booked_at,
        )?;
        if stage != 16 {
            continue;
        }
        let engineer = actor(&staff.engineers[e], Role::Engineer);
        let (start, end) = (start.naive_utc(), end.naive_utc());
        step_at(
            conn,
            &engineer,
            Request::StartTravel(bodies::StartTravel::default()),
            start - Duration::minutes(30),
        )?;
        step_at(
            conn,
            &engineer,
            Request::Arrive(bodies::VersionOnly::default()),
            start,
        )?;
        step_at(
            conn,
            &engineer,
            Request::Finish(bodies::Finish {
                result_notes: Some("Done; water pressure normal".into()),
                ..Default::default()
            }),
            end,
        )?;
        step_at(
            conn,
            &admin,
            Request::Certify(bodies::Certify {
                version: None,
                summary: format!("{description}: completed"),
                lines_done: None,
            }),
            end + Duration::hours(2),
        )?;
        step_at(
            conn,
            &manager,
            Request::Close(bodies::Close {
                version: None,
                next_step: "Next service in six months".into(),
                follow_up_on: Some(today + Duration::days(180)),
                honoured_agreement_ids: vec![],
            }),
            end + Duration::hours(3),
        )?;
    }
    Ok(())
}

fn local(runtime: &Runtime, day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    let naive = day.and_hms_opt(hour, 0, 0).unwrap_or_default();
    runtime
        .config()
        .timezone
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}
