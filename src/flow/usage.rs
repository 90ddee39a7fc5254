//! Plans by use moving with their meter: new readings work out the forecast
//! again, put the next due day where it says, make the reminder at once when
//! the threshold is crossed (or the forecast falls within the lead days), and
//! move a reminder already made when the forecast moves beyond the tolerance.
//! A service from the plan sets the baseline to the meter's total at it.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde_json::json;

use super::{event, Actor};
use crate::core::ids::MeterId;
use crate::core::meter::{self, Reading};
use crate::core::plan::{appear_on, within_end, Schedule};
use crate::core::reminder::ReminderKind;
use crate::core::usage::{self, REFRESH_HOURS};
use crate::error::AppError;
use crate::store::equipment::EquipmentRepo;
use crate::store::meters::{self, ReadingRow};
use crate::store::plans::{self, PlanRow};
use crate::store::records::get_text;
use crate::store::reminders::{self, ReminderRow};
use crate::store::{naive, utc, DbConnection};

/// The readings a forecast looks at.
const RECENT: i64 = 500;

/// A meter's recent readings, oldest first; its latest one if none is recent.
pub fn recent(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    now: DateTime<Utc>,
) -> Result<Vec<Reading>, AppError> {
    let from = naive(now - Duration::days(meter::RATE_WINDOW_DAYS));
    let mut rows = meters::since(conn, meter_id, from, RECENT)?;
    if rows.is_empty() {
        rows = meters::latest(conn, meter_id, 1)?;
    }
    Ok(rows.iter().map(ReadingRow::view).collect())
}

/// New readings of a meter were stored; `newest` is the meter's latest
/// reading when the batch brought it (none for readings slipped in among
/// older ones), and `before` the total the meter had reached before the
/// batch. Each active plan counting the meter looks again at where it stands
/// — from a device's stream (`throttled`) only when the batch crossed its
/// threshold or its urgency line, its forecast is older than
/// [`REFRESH_HOURS`], or history changed under it; from a person's reading
/// always. So a stream past its threshold costs one indexed read a batch, not
/// a forecast.
pub fn readings_came(
    conn: &mut DbConnection,
    actor: &Actor,
    meter_id: &MeterId,
    newest: Option<&ReadingRow>,
    before: f64,
    throttled: bool,
) -> Result<(), AppError> {
    let counting = plans::on_meter(conn, meter_id)?;
    if counting.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let mut readings: Option<Vec<Reading>> = None;
    for mut plan in counting {
        let Some(units) = plan.every_units else {
            continue;
        };
        let threshold = plan.baseline_total.unwrap_or(0.0) + units;
        let urgent_line = threshold + usage::FAR_PAST_SHARE * units;
        let crossing = newest.is_some_and(|r| {
            [threshold, urgent_line]
                .iter()
                .any(|line| before < *line && r.total >= *line)
        });
        let stale = plan
            .forecast_at
            .is_none_or(|t| utc(t) + Duration::hours(REFRESH_HOURS) <= now);
        if throttled && newest.is_some() && !crossing && !stale {
            continue;
        }
        if readings.is_none() {
            readings = Some(recent(conn, meter_id, now)?);
        }
        refresh(
            conn,
            actor,
            &mut plan,
            readings.as_deref().unwrap_or(&[]),
            now,
        )?;
        plans::save(conn, &plan)?;
    }
    Ok(())
}

/// Puts the plan's standing against `readings` into effect on the row (the
/// caller saves it): its forecast, its next due day, and its reminder.
pub fn refresh(
    conn: &mut DbConnection,
    actor: &Actor,
    plan: &mut PlanRow,
    readings: &[Reading],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (_, schedule) = plan.fields()?.normalise()?;
    let Some(units) = schedule.every_units() else {
        return Ok(());
    };
    let today = now.with_timezone(&actor.timezone).date_naive();
    let standing = usage::standing(
        readings,
        plan.baseline_total.unwrap_or(0.0),
        units,
        now,
        actor.timezone,
    );
    plan.forecast_on = standing.forecast_on;
    plan.forecast_at = Some(naive(now));
    let time_due = match schedule {
        Schedule::UsageOrTime { .. } => {
            let installed_on = match plan.last_completed_on {
                Some(_) => None,
                None => {
                    get_text::<EquipmentRepo>(conn, &plan.equipment_id)?
                        .fields
                        .installed_on
                }
            };
            let base = super::plans::base_date(plan, installed_on, actor.timezone);
            schedule.first_due(today, base)
        }
        _ => None,
    };
    // A cycle is not due before the service that began it (a forecast from
    // readings older than the service can say so).
    let due = within_end(
        usage::next_due(time_due, standing.forecast_on),
        plan.ends_on,
    )
    .map(|d| plan.last_completed_on.map_or(d, |served| d.max(served)));
    if !plan.active {
        plan.next_due_on = due;
        plan.appear_on = None;
        return Ok(());
    }
    let made = plan.next_due_on.is_some() && plan.appear_on.is_none();
    if made {
        return move_reminder(conn, actor, plan, due, standing.urgent);
    }
    plan.next_due_on = due;
    plan.appear_on = due.map(|d| appear_on(d, plan.lead_days));
    let Some(due) = due else {
        return Ok(());
    };
    if standing.crossed || appear_on(due, plan.lead_days) <= today {
        raise(conn, actor, plan, due, standing.urgent)?;
        plan.appear_on = None;
    }
    Ok(())
}

/// The plan's reminder, made now rather than by the nightly run: the
/// threshold is crossed or the forecast came within the lead days.
fn raise(
    conn: &mut DbConnection,
    actor: &Actor,
    plan: &mut PlanRow,
    due: chrono::NaiveDate,
    urgent: bool,
) -> Result<(), AppError> {
    let mut r = ReminderRow::new(
        &plan.customer_id,
        ReminderKind::Maintenance,
        due,
        Some(plan.service_kind.clone()),
        None,
    );
    r.equipment_id = Some(plan.equipment_id.clone());
    r.plan_id = Some(plan.id.clone());
    r.urgent = urgent;
    // The plan and day are unique together: a day an earlier cycle's reminder
    // holds goes to the next free one.
    for _ in 0..7 {
        if !reminders::plan_has_day(conn, &plan.id, r.due_on)? {
            break;
        }
        r.due_on = r.due_on.succ_opt().unwrap_or(r.due_on);
    }
    plan.next_due_on = Some(r.due_on);
    if reminders::insert_if_absent(conn, &r)? {
        event(
            conn,
            actor,
            &plan.customer_id,
            "reminder",
            &r.id,
            "created",
            json!({"kind": "maintenance", "due_on": r.due_on, "plan_id": plan.id, "urgent": urgent,
                   "forecast_on": plan.forecast_on}),
        )?;
    }
    Ok(())
}

/// The reminder of this cycle, moved to the new due day when the forecast
/// moved beyond the tolerance, and made urgent when the meter is far past.
fn move_reminder(
    conn: &mut DbConnection,
    actor: &Actor,
    plan: &mut PlanRow,
    due: Option<chrono::NaiveDate>,
    urgent: bool,
) -> Result<(), AppError> {
    let Some(mut r) = reminders::waiting_for_plan(conn, &plan.id)? else {
        return Ok(());
    };
    let mut changes = serde_json::Map::new();
    if let Some(due) = due.filter(|d| usage::moved(r.due_on, *d)) {
        if !reminders::plan_has_day(conn, &plan.id, due)? {
            changes.insert("due_on".into(), json!({"from": r.due_on, "to": due}));
            r.due_on = due;
            plan.next_due_on = Some(due);
        }
    }
    if urgent && !r.urgent {
        changes.insert("urgent".into(), json!(true));
        r.urgent = true;
    }
    if changes.is_empty() {
        return Ok(());
    }
    changes.insert("forecast_on".into(), json!(plan.forecast_on));
    reminders::save(conn, &mut r)?;
    event(
        conn,
        actor,
        &plan.customer_id,
        "reminder",
        &r.id,
        "forecast_moved",
        serde_json::Value::Object(changes),
    )
}

/// A usage plan created, changed or served: its standing worked out from
/// the start. A reminder already made for its current due day stays the
/// cycle's reminder (and moves with the forecast); otherwise the plan is
/// placed afresh.
pub fn replace(conn: &mut DbConnection, actor: &Actor, plan: &mut PlanRow) -> Result<(), AppError> {
    let Some(meter_id) = plan.meter_id.clone() else {
        return Ok(());
    };
    let made = match plan.next_due_on {
        Some(due) if plan.active => reminders::plan_has_day(conn, &plan.id, due)?,
        _ => false,
    };
    if !made {
        plan.next_due_on = None;
    }
    plan.appear_on = None;
    let now = Utc::now();
    let readings = recent(conn, &meter_id, now)?;
    refresh(conn, actor, plan, &readings, now)
}

/// The meter's total when a service from the plan was done: the latest
/// reading at or before it; zero for a meter never read.
pub fn total_at(
    conn: &mut DbConnection,
    meter_id: &MeterId,
    at: NaiveDateTime,
) -> Result<f64, AppError> {
    Ok(meters::at_or_before(conn, meter_id, at)?
        .map(|r| r.total)
        .unwrap_or(0.0))
}
