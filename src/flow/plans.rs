//! Maintenance plans on equipment: create, change (merge patch), pause, and move
//! on when a service from the plan is completed.

use crate::core::ids::{self, EquipmentId, MeterId, PlanId, TypedId};
use crate::core::meter::MeterMode;
use chrono::NaiveDate;
use serde_json::{json, Value};

use super::{event, Actor};
use crate::core::changes::{diff, merge_patch};
use crate::core::plan::{appear_on, within_end, MaintenancePlan, PlanFields, Schedule};
use crate::error::{from_json, AppError};
use crate::store::equipment::EquipmentRepo;
use crate::store::plans::{self, PlanRow};
use crate::store::records::{get, get_text};
use crate::store::work_orders::WorkOrderRow;
use crate::store::{now, transaction, DbConnection};

fn not_found() -> AppError {
    AppError::NotFound {
        entity: "maintenance plan",
    }
}

/// Where the plan stands now: its next due date and when that reminder appears.
///
/// `base` is the last completion, else the installation, else the plan's creation.
fn reschedule(row: &mut PlanRow, schedule: &Schedule, today: NaiveDate, base: NaiveDate) {
    let next = within_end(schedule.first_due(today, base), row.ends_on);
    row.next_due_on = next;
    row.appear_on = next
        .filter(|_| row.active)
        .map(|d| appear_on(d, row.lead_days));
}

/// The plan with its preview of the next five due dates.
pub fn view(row: PlanRow) -> Result<MaintenancePlan, AppError> {
    let (_, schedule) = row.fields()?.normalise()?;
    let preview = match row.next_due_on {
        Some(next) => schedule
            .preview(next, 5)
            .into_iter()
            .filter(|d| row.ends_on.is_none_or(|end| *d <= end))
            .collect(),
        None => vec![],
    };
    row.into_view(preview)
}

/// Where a new or changed plan stands: by the calendar, or for a plan by use
/// by its meter — checked to be a cumulative meter of the plan's piece, its
/// total now the baseline when the plan starts counting it.
fn place(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &mut PlanRow,
    schedule: &Schedule,
    installed_on: Option<NaiveDate>,
    meter_before: Option<MeterId>,
) -> Result<(), AppError> {
    let Some(meter_id) = row.meter_id.clone() else {
        row.baseline_total = None;
        row.forecast_on = None;
        row.forecast_at = None;
        let base = base_date(row, installed_on, actor.timezone);
        reschedule(row, schedule, actor.today(), base);
        return Ok(());
    };
    if meter_before.as_ref() != Some(&meter_id) || row.baseline_total.is_none() {
        let now = crate::store::naive(chrono::Utc::now());
        row.baseline_total = Some(super::usage::total_at(conn, &meter_id, now)?);
    }
    super::usage::replace(conn, actor, row)
}

/// A plan by use counts a cumulative meter of its own piece (422 naming
/// `meter_id` otherwise), checked before the plan is written.
fn check_meter(conn: &mut DbConnection, row: &PlanRow) -> Result<(), AppError> {
    let Some(meter_id) = &row.meter_id else {
        return Ok(());
    };
    let meter = crate::store::meters::find(conn, meter_id)?
        .filter(|m| m.equipment_id.as_str() == row.equipment_id)
        .ok_or_else(|| AppError::invalid("meter_id", "is not a meter of this equipment"))?;
    if meter.mode != MeterMode::Cumulative {
        return Err(AppError::invalid(
            "meter_id",
            "is a gauge; a plan by use counts a cumulative meter",
        ));
    }
    Ok(())
}

/// What an interval counts from: the last completion, else the
/// installation, else the company day the plan was made.
pub fn base_date(row: &PlanRow, installed_on: Option<NaiveDate>, tz: chrono_tz::Tz) -> NaiveDate {
    row.last_completed_on.or(installed_on).unwrap_or_else(|| {
        crate::store::utc(row.created_at)
            .with_timezone(&tz)
            .date_naive()
    })
}

/// A plan's scope with its parts priced from the catalogue: an order
/// converted from the plan carries the parts it names.
fn priced(
    conn: &mut DbConnection,
    actor: &Actor,
    lines: Vec<crate::core::work_order::ScopeLine>,
) -> Result<Vec<crate::core::work_order::ScopeLine>, AppError> {
    super::parts::price_scope(conn, "scope_lines", lines, &actor.currency, false)
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    equipment_id: &EquipmentId,
    fields: PlanFields,
) -> Result<MaintenancePlan, AppError> {
    fields.check_days(actor.today())?;
    let mut fields = fields;
    fields.scope_lines = priced(conn, actor, fields.scope_lines)?;
    let (fields, schedule) = fields.normalise()?;
    transaction(conn, |conn| {
        let item = get::<EquipmentRepo>(conn, equipment_id)?;
        if item.archived_at.is_some() {
            return Err(AppError::invalid(
                "equipment_id",
                "the equipment is archived",
            ));
        }
        let at = now();
        let mut row = PlanRow {
            id: PlanId::new(),
            equipment_id: item.id.to_string(),
            customer_id: ids::typed(&item.customer_id, "customer_id")?,
            service_kind: String::new(),
            scope_lines: "[]".into(),
            estimated_minutes: None,
            required_skills: "[]".into(),
            lead_days: 14,
            notify_customer: false,
            active: true,
            ends_on: None,
            recurrence_kind: String::new(),
            rrule: None,
            starts_on: None,
            every: None,
            unit: None,
            last_completed_on: None,
            next_due_on: None,
            appear_on: None,
            created_at: at,
            updated_at: at,
            meter_id: None,
            every_units: None,
            baseline_total: None,
            forecast_on: None,
            forecast_at: None,
        };
        row.set_fields(&fields)?;
        check_meter(conn, &row)?;
        plans::insert(conn, &row)?;
        place(
            conn,
            actor,
            &mut row,
            &schedule,
            item.fields.installed_on,
            None,
        )?;
        plans::save(conn, &row)?;
        event(
            conn,
            actor,
            &row.customer_id,
            "maintenance_plan",
            &row.id,
            "created",
            json!({"equipment_id": row.equipment_id, "fields": fields, "next_due_on": row.next_due_on}),
        )?;
        view(row)
    })
}

pub fn read(conn: &mut DbConnection, id: &PlanId) -> Result<MaintenancePlan, AppError> {
    view(plans::find(conn, id)?.ok_or_else(not_found)?)
}

pub fn for_equipment(
    conn: &mut DbConnection,
    equipment_id: &EquipmentId,
) -> Result<Vec<MaintenancePlan>, AppError> {
    let item = get::<EquipmentRepo>(conn, equipment_id)?;
    plans::for_equipment(conn, &item.id)?
        .into_iter()
        .map(view)
        .collect()
}

/// Applies a merge patch; the schedule is worked out again (pausing, resuming, a new rule).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &PlanId,
    patch: &Value,
) -> Result<MaintenancePlan, AppError> {
    if !patch.is_object() {
        return Err(AppError::BadRequest {
            field: None,
            message: "the body must be a JSON object of the fields to change".into(),
        });
    }
    transaction(conn, |conn| {
        let mut row = plans::find(conn, id)?.ok_or_else(not_found)?;
        let before = serde_json::to_value(row.fields()?)?;
        let mut merged = before.clone();
        merge_patch(&mut merged, patch);
        let mut fields = from_json::<PlanFields>(merged)?;
        fields.check_days(actor.today())?;
        fields.scope_lines = priced(conn, actor, fields.scope_lines)?;
        let (fields, schedule) = fields.normalise()?;
        let after = serde_json::to_value(&fields)?;
        let changes = diff(&before, &after, &[]);
        if changes.is_empty() {
            return view(row);
        }
        let meter_before = row.meter_id.clone();
        row.set_fields(&fields)?;
        check_meter(conn, &row)?;
        let installed_on = get_text::<EquipmentRepo>(conn, &row.equipment_id)?
            .fields
            .installed_on;
        place(conn, actor, &mut row, &schedule, installed_on, meter_before)?;
        row.updated_at = now();
        plans::save(conn, &row)?;
        event(
            conn,
            actor,
            &row.customer_id,
            "maintenance_plan",
            &row.id,
            "updated",
            Value::Object(changes),
        )?;
        view(row)
    })
}

/// The maintenance plan an order serves: through the reminder it was opened from.
pub fn plan_of(conn: &mut DbConnection, order: &WorkOrderRow) -> Result<Option<PlanId>, AppError> {
    Ok(order
        .reminder_id
        .as_deref()
        .and_then(crate::core::ids::ReminderId::parse)
        .map(|r| crate::store::reminders::find(conn, &r))
        .transpose()?
        .flatten()
        .and_then(|r| r.plan_id)
        .and_then(|p| PlanId::parse(&p)))
}

/// When the plan's next service falls if a service is done on `on`: for the
/// completion certificate, before the order is closed and the plan moves on.
pub fn next_after_service(
    conn: &mut DbConnection,
    plan_id: &PlanId,
    on: NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<Option<NaiveDate>, AppError> {
    let Some(row) = plans::find(conn, plan_id)? else {
        return Ok(None);
    };
    if !row.active {
        return Ok(None);
    }
    let (_, schedule) = row.fields()?.normalise()?;
    Ok(match &schedule {
        Schedule::AfterCompletion { .. } => within_end(schedule.first_due(on, on), row.ends_on),
        Schedule::Calendar(_) => row.next_due_on.filter(|d| *d > on),
        Schedule::Usage { every_units } | Schedule::UsageOrTime { every_units, .. } => {
            // From the meter's total now, at its present rate.
            let Some(meter_id) = &row.meter_id else {
                return Ok(None);
            };
            let now = chrono::Utc::now();
            let readings = super::usage::recent(conn, meter_id, now)?;
            let baseline = readings.last().map(|r| r.total).unwrap_or(0.0);
            let by_use = crate::core::usage::standing(&readings, baseline, *every_units, now, tz)
                .forecast_on;
            let by_time = schedule.first_due(on, on);
            within_end(crate::core::usage::next_due(by_time, by_use), row.ends_on)
        }
    })
}

/// The last moment of a company day, as stored (UTC): a service known only
/// by its day counts the readings of that whole day.
pub fn end_of(day: NaiveDate, tz: chrono_tz::Tz) -> chrono::NaiveDateTime {
    use chrono::TimeZone;
    let last = day.and_hms_opt(23, 59, 59).unwrap_or_default();
    tz.from_local_datetime(&last)
        .latest()
        .map(|t| t.naive_utc())
        .unwrap_or(last)
}

/// A service from the plan was completed on `on` (at `served_at`, the
/// visit's end): an after-completion plan counts its next due date from
/// here; a plan by use counts its units from the meter's total at the service;
/// a calendar plan keeps its calendar.
pub fn completed(
    conn: &mut DbConnection,
    actor: &Actor,
    plan_id: &PlanId,
    on: NaiveDate,
    served_at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let Some(mut row) = plans::find(conn, plan_id)? else {
        return Ok(());
    };
    let (_, schedule) = row.fields()?.normalise()?;
    row.last_completed_on = Some(on);
    match (&schedule, row.meter_id.clone()) {
        (Schedule::Calendar(_), _) => {}
        (Schedule::AfterCompletion { .. }, _) | (_, None) => {
            reschedule(&mut row, &schedule, on, on)
        }
        (_, Some(meter_id)) => {
            let baseline = super::usage::total_at(conn, &meter_id, served_at)?;
            row.baseline_total = Some(baseline);
            row.next_due_on = None;
            super::usage::replace(conn, actor, &mut row)?;
        }
    }
    row.updated_at = now();
    plans::save(conn, &row)
}
