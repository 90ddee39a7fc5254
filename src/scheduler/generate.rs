//! The generation job: every active plan whose next reminder is due to appear gets
//! its maintenance reminder(s), once.
//!
//! It walks the due plans in id-ordered batches (bounded memory whatever the number
//! of plans), each batch in one transaction. The unique key (plan, due date) makes a
//! second run, or a run on another instance at the same time, create nothing new.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::NaiveDate;
use serde_json::json;

use crate::core::plan::{appear_on, within_end, PlanFields, Schedule};
use crate::core::reminder::ReminderKind;
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::plans::{self, PlanRow};
use crate::store::reminders::{self, ReminderRow};
use crate::store::{transaction, DbConnection};

/// Plans per batch (and per transaction).
const BATCH: i64 = 1000;
/// Reminders one plan may produce in one run (a daily rule with a long lead time).
const MAX_PER_PLAN: usize = 400;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct GenerationReport {
    pub plans: usize,
    pub reminders: usize,
}

/// Parsed schedules by rule and start: plans of one kind share them, and parsing an
/// RRULE costs more than everything else a plan needs.
#[derive(Default)]
struct Schedules(HashMap<String, Rc<Schedule>>);

impl Schedules {
    fn of(&mut self, plan: &PlanRow) -> Result<Rc<Schedule>, AppError> {
        let key = format!(
            "{}|{:?}|{:?}|{:?}|{:?}",
            plan.recurrence_kind, plan.rrule, plan.starts_on, plan.every, plan.unit
        );
        if let Some(s) = self.0.get(&key) {
            return Ok(s.clone());
        }
        let probe = PlanFields {
            service_kind: "x".into(),
            scope_lines: vec![],
            required_skills: vec![],
            ..plan.fields()
        };
        let (_, schedule) = probe.normalise()?;
        let schedule = Rc::new(schedule);
        self.0.insert(key, schedule.clone());
        Ok(schedule)
    }
}

/// Makes the reminders that should exist on `today` (company time zone).
pub fn generate(conn: &mut DbConnection, today: NaiveDate) -> Result<GenerationReport, AppError> {
    let mut report = GenerationReport::default();
    let mut schedules = Schedules::default();
    let mut after = String::new();
    loop {
        let batch = plans::due_batch(conn, today, &after, BATCH)?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.id.clone();
        report.plans += batch.len();
        report.reminders += transaction(conn, |conn| {
            let mut made = 0;
            for plan in &batch {
                let schedule = schedules.of(plan)?;
                made += generate_plan(conn, plan, &schedule, today)?;
            }
            Ok(made)
        })?;
    }
    Ok(report)
}

fn generate_plan(
    conn: &mut DbConnection,
    plan: &PlanRow,
    schedule: &Schedule,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let mut made = 0;
    let mut next = plan.next_due_on;
    let mut count = 0;
    while let Some(due) = next {
        if appear_on(due, plan.lead_days) > today || count >= MAX_PER_PLAN {
            break;
        }
        count += 1;
        let mut reminder = ReminderRow::new(
            &plan.customer_id,
            ReminderKind::Maintenance,
            due,
            Some(plan.service_kind.clone()),
            None,
        );
        reminder.equipment_id = Some(plan.equipment_id.clone());
        reminder.plan_id = Some(plan.id.clone());
        if reminders::insert_if_absent(conn, &reminder)? {
            made += 1;
            events::record(
                conn,
                NewEvent {
                    actor_id: None,
                    customer_id: Some(&plan.customer_id),
                    entity_type: "reminder",
                    entity_id: &reminder.id,
                    action: "created",
                    changes: json!({"kind": "maintenance", "due_on": due, "plan_id": plan.id}),
                },
            )?;
        }
        next = match schedule {
            Schedule::Calendar(_) => within_end(schedule.after_generated(due), plan.ends_on),
            // Waits for the service: the next due date is counted from its completion.
            Schedule::AfterCompletion { .. } => {
                plans::set_next(conn, &plan.id, Some(due), None)?;
                return Ok(made);
            }
        };
    }
    plans::set_next(
        conn,
        &plan.id,
        next,
        next.map(|d| appear_on(d, plan.lead_days)),
    )?;
    Ok(made)
}
