//! A work order as stored: the row, its decoding into the domain's order, and
//! the milestones a save stamps. Apart from the table's queries so that what
//! keeps in step with a saved order (the analytics' rollups) can read it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::work_orders;
use super::{decoded_json, json_list, utc};
use crate::core::ids::{CustomerId, SiteId, WorkOrderId};
use crate::core::work_order::{
    allowed_actions, Milestone, Priority, ScopeLine, WorkOrder, WorkOrderKind, WorkOrderStatus,
};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = work_orders, treat_none_as_null = true)]
pub struct WorkOrderRow {
    pub id: WorkOrderId,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    pub equipment_ids: String,
    pub status: WorkOrderStatus,
    pub priority: Priority,
    pub scope_lines: String,
    pub total: i64,
    pub currency: String,
    pub estimated_minutes: Option<i32>,
    pub required_skills: String,
    pub engineer_notes: Option<String>,
    pub time_wishes: Option<String>,
    pub reminder_id: Option<String>,
    pub status_reason: Option<String>,
    pub postponed_until: Option<NaiveDate>,
    pub postponed_from: Option<String>,
    pub completion_summary: Option<String>,
    pub next_step: Option<String>,
    pub version: i64,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub time_windows: String,
    pub kind: WorkOrderKind,
    pub agreed_at: Option<NaiveDateTime>,
    pub scheduled_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
}

impl WorkOrderRow {
    /// Notes the first time the order reaches each milestone; saving does it.
    /// Which milestones it reached now.
    pub(crate) fn stamp_milestones(
        &mut self,
        at: NaiveDateTime,
    ) -> Result<Vec<Milestone>, AppError> {
        let status = self.status;
        let mut reached = Vec::new();
        for (milestone, stamp) in [
            (Milestone::Agreed, &mut self.agreed_at),
            (Milestone::Scheduled, &mut self.scheduled_at),
            (Milestone::Completed, &mut self.completed_at),
        ] {
            if stamp.is_none() && milestone.reached_in(status) {
                *stamp = Some(at);
                reached.push(milestone);
            }
        }
        Ok(reached)
    }

    /// The agreed scope.
    pub fn scope(&self) -> Result<Vec<ScopeLine>, AppError> {
        decoded_json(&self.scope_lines, "scope lines", &self.id)
    }

    /// The customer's time windows.
    pub fn windows(&self) -> Result<Vec<crate::core::route::TimeWindow>, AppError> {
        decoded_json(&self.time_windows, "time windows", &self.id)
    }

    /// The order as the API shows it.
    pub fn into_view(self) -> Result<WorkOrder, AppError> {
        let status = self.status;
        let time_windows = self.windows()?;
        Ok(WorkOrder {
            scope_lines: self.scope()?,
            equipment_ids: json_list(&self.equipment_ids, "equipment", &self.id)?,
            required_skills: json_list(&self.required_skills, "skills", &self.id)?,
            priority: self.priority,
            kind: self.kind,
            allowed_actions: allowed_actions(status),
            status,
            id: self.id,
            customer_id: self.customer_id,
            site_id: self.site_id,
            total: self.total,
            currency: self.currency,
            estimated_minutes: self.estimated_minutes,
            engineer_notes: self.engineer_notes,
            time_wishes: self.time_wishes,
            time_windows,
            reminder_id: self.reminder_id,
            status_reason: self.status_reason,
            postponed_until: self.postponed_until,
            completion_summary: self.completion_summary,
            next_step: self.next_step,
            version: self.version,
            created_by: self.created_by,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}
