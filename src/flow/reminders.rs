//! The reminders inbox: manual reminders, converting one into a work order,
//! snoozing and dismissing (neither makes anything forget its due date).

use crate::core::ids::{self, CustomerId, ReminderId};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::work_orders::{self, WorkOrderDetail};
use super::{event, Actor};
use crate::core::reminder::{Reminder, ReminderKind, ReminderStatus};
use crate::core::text::{self, NOTE};
use crate::core::work_order::{Priority, ScopeLine, WorkOrderDraft};
use crate::error::AppError;
use crate::store::equipment::EquipmentRepo;
use crate::store::reminders::{self, ReminderRow};
use crate::store::{customers, records, sites, transaction, DbConnection};

/// A reminder a manager sets by hand: "call back in March".
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReminder {
    pub customer_id: String,
    pub due_on: NaiveDate,
    pub note: String,
    pub equipment_id: Option<String>,
}

/// Opening a work order from a reminder; everything is optional.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Convert {
    /// The site; by default the equipment's site, or the customer's only site.
    pub site_id: Option<String>,
    #[serde(default)]
    pub scope_lines: Vec<ScopeLine>,
    pub priority: Option<Priority>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Snooze {
    /// The reminder comes back to the inbox on this day.
    pub until: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dismiss {
    pub reason: String,
}

fn not_found() -> AppError {
    AppError::NotFound { entity: "reminder" }
}

/// The reminder, or 404.
fn load(conn: &mut DbConnection, id: &ReminderId) -> Result<ReminderRow, AppError> {
    reminders::find(conn, id)?.ok_or_else(not_found)
}

fn still_waiting(row: &ReminderRow) -> Result<(), AppError> {
    match row.status {
        ReminderStatus::Open | ReminderStatus::Snoozed => Ok(()),
        other => Err(AppError::Conflict {
            code: "invalid_transition",
            message: format!("the reminder is already {}", other.as_str()),
            details: Some(json!({"current": other})),
        }),
    }
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    body: NewReminder,
) -> Result<Reminder, AppError> {
    let customer_id: CustomerId = ids::typed(&body.customer_id, "customer_id")?;
    let note = text::required("note", &body.note, NOTE)?;
    crate::core::dates::check_day(
        "due_on",
        body.due_on,
        actor.today(),
        crate::core::dates::Span::Any,
    )?;
    transaction(conn, |conn| {
        customers::ensure_active(conn, "customer_id", &customer_id)?;
        let mut row = ReminderRow::new(
            &customer_id,
            ReminderKind::Manual,
            body.due_on,
            Some(note),
            Some(&actor.user_id),
        );
        if let Some(raw) = &body.equipment_id {
            let item = records::get_text::<EquipmentRepo>(conn, raw)
                .map_err(|_| AppError::invalid("equipment_id", "no such equipment"))?;
            if item.customer_id != customer_id {
                return Err(AppError::invalid(
                    "equipment_id",
                    "belongs to another customer",
                ));
            }
            row.equipment_id = Some(item.id.to_string());
        }
        reminders::insert(conn, &row)?;
        event(
            conn,
            actor,
            &customer_id,
            "reminder",
            &row.id,
            "created",
            json!({"kind": row.kind, "due_on": row.due_on, "note": row.note}),
        )?;
        Ok(row
            .into_view(None)?
            .in_words(actor.timezone, actor.messaging.locale))
    })
}

/// Opens a `new` work order carrying the reminder's context, and marks the reminder converted.
pub fn convert(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &ReminderId,
    body: Convert,
) -> Result<WorkOrderDetail, AppError> {
    transaction(conn, |conn| {
        let mut row = load(conn, id)?;
        still_waiting(&row)?;
        let equipment = match &row.equipment_id {
            Some(e) => Some(records::get_text::<EquipmentRepo>(conn, e)?),
            None => None,
        };
        let site_id = match (&body.site_id, &equipment) {
            (Some(s), _) => s.clone(),
            (None, Some(e)) => e.fields.site_id.clone(),
            (None, None) => {
                let all = sites::active_ids_for_customer(conn, &row.customer_id)?;
                match all.as_slice() {
                    [only] => only.clone(),
                    [] => {
                        return Err(AppError::invalid(
                            "site_id",
                            "the customer has no site yet; add one first",
                        ))
                    }
                    _ => {
                        return Err(AppError::invalid(
                            "site_id",
                            "the customer has several sites; choose one",
                        ))
                    }
                }
            }
        };
        let plan = match &row.plan_id {
            Some(p) => crate::store::plans::find(conn, &crate::core::ids::typed(p, "plan_id")?)?
                .map(|p| p.fields())
                .transpose()?,
            None => None,
        };
        let scope_lines = match (&plan, body.scope_lines.is_empty()) {
            (Some(p), true) => p.scope_lines.clone(),
            _ => body.scope_lines,
        };
        let draft = WorkOrderDraft {
            customer_id: row.customer_id.to_string(),
            site_id,
            equipment_ids: equipment.iter().map(|e| e.id.to_string()).collect(),
            scope_lines,
            currency: None,
            estimated_minutes: plan.as_ref().and_then(|p| p.estimated_minutes),
            // A meter far past its threshold is late already.
            priority: body.priority.or(row
                .urgent
                .then_some(crate::core::work_order::Priority::Urgent)),
            kind: Some(crate::core::work_order::WorkOrderKind::Service),
            required_skills: plan.map(|p| p.required_skills).unwrap_or_default(),
            engineer_notes: row.note.clone(),
            time_wishes: None,
            time_windows: vec![],
        };
        let order = work_orders::create(conn, actor, draft, Some(&row.id))?;
        row.status = ReminderStatus::Converted;
        row.converted_work_order_id = Some(order.work_order.id.to_string());
        reminders::save(conn, &mut row)?;
        event(
            conn,
            actor,
            &row.customer_id,
            "reminder",
            &row.id,
            "converted",
            json!({"work_order_id": order.work_order.id}),
        )?;
        Ok(order)
    })
}

/// Hides the reminder until a later day; its due date stays as it was.
pub fn snooze(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &ReminderId,
    body: Snooze,
) -> Result<Reminder, AppError> {
    if body.until <= actor.today() {
        return Err(AppError::invalid("until", "must be a day after today"));
    }
    crate::core::dates::check_day(
        "until",
        body.until,
        actor.today(),
        crate::core::dates::Span::Ahead,
    )?;
    settle(
        conn,
        actor,
        id,
        "snoozed",
        json!({"until": body.until}),
        |row| {
            row.status = ReminderStatus::Snoozed;
            row.snoozed_until = Some(body.until);
        },
    )
}

/// Takes the reminder out of the inbox, with the reason on the timeline.
pub fn dismiss(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &ReminderId,
    body: Dismiss,
) -> Result<Reminder, AppError> {
    let reason = text::required("reason", &body.reason, NOTE)?;
    settle(
        conn,
        actor,
        id,
        "dismissed",
        json!({"reason": reason}),
        |row| {
            row.status = ReminderStatus::Dismissed;
            row.dismiss_reason = Some(reason.clone());
        },
    )
}

/// Changes a waiting reminder and records the change on the customer's timeline.
fn settle(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &ReminderId,
    action: &str,
    payload: serde_json::Value,
    change: impl FnOnce(&mut ReminderRow),
) -> Result<Reminder, AppError> {
    transaction(conn, |conn| {
        let mut row = load(conn, id)?;
        still_waiting(&row)?;
        change(&mut row);
        reminders::save(conn, &mut row)?;
        event(
            conn,
            actor,
            &row.customer_id,
            "reminder",
            &row.id,
            action,
            payload,
        )?;
        Ok(row
            .into_view(None)?
            .in_words(actor.timezone, actor.messaging.locale))
    })
}
