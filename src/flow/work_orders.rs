//! Opening work orders and reading them with what belongs to them.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{event, Actor};
use crate::core::agreement::Agreement;
use crate::core::certificate::CertificateInfo;
use crate::core::ids::{self, WorkOrderId};
use crate::core::visit::Visit;
use crate::core::work_order::Priority;
use crate::core::work_order::{
    check_scope, WorkOrder, WorkOrderDraft, WorkOrderKind, WorkOrderStatus,
};
use crate::error::AppError;
use crate::store::equipment::EquipmentRepo;
use crate::store::records::get_text;
use crate::store::sites::Sites;
use crate::store::work_orders::{self, WorkOrderRow};
use crate::store::{
    agreements, certificates, customers, now, to_json_list, transaction, visits, DbConnection,
};

/// A work order with its visits and the customer's agreements (so nothing promised is missed).
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkOrderDetail {
    pub work_order: WorkOrder,
    pub visits: Vec<Visit>,
    pub agreements: Vec<Agreement>,
    /// The completion certificate, once certified (the PDF is at `/work-orders/{id}/certificate`).
    pub certificate: Option<CertificateInfo>,
    /// The catalogue parts the scope names, and what the order holds of them.
    pub parts: Vec<super::reservations::OrderPart>,
}

/// Reads the detail of a stored order.
pub fn detail(conn: &mut DbConnection, row: WorkOrderRow) -> Result<WorkOrderDetail, AppError> {
    let visits = visits::for_order(conn, &row.id)?;
    let agreements = agreements::for_customer(conn, &row.customer_id)?;
    let certificate = certificates::latest_for_order(conn, &row.id)?.map(|c| c.info());
    let parts = super::reservations::parts_of(conn, &row)?;
    Ok(WorkOrderDetail {
        parts,
        work_order: row.into_view()?,
        visits,
        agreements,
        certificate,
    })
}

/// The order or 404.
pub fn find_detail(conn: &mut DbConnection, id: &WorkOrderId) -> Result<WorkOrderDetail, AppError> {
    let not_found = || AppError::NotFound {
        entity: "work order",
    };
    let row = work_orders::find(conn, id)?.ok_or_else(not_found)?;
    detail(conn, row)
}

/// Opens a `new` order after checking that the site and the equipment belong to the customer.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    draft: WorkOrderDraft,
    reminder_id: Option<&str>,
) -> Result<WorkOrderDetail, AppError> {
    let mut draft = draft;
    draft.scope_lines = super::parts::price_scope(
        conn,
        "scope_lines",
        draft.scope_lines,
        &actor.currency,
        false,
    )?;
    let draft = draft.normalise(&actor.currency)?;
    transaction(conn, |conn| {
        customers::ensure_active(conn, "customer_id", &draft.customer_id)?;
        let site = get_text::<Sites>(conn, &draft.site_id)
            .map_err(|_| AppError::invalid("site_id", "no such site"))?;
        if site.fields.customer_id != draft.customer_id {
            return Err(AppError::invalid(
                "site_id",
                "the site belongs to another customer",
            ));
        }
        if site.archived_at.is_some() {
            return Err(AppError::invalid("site_id", "the site is archived"));
        }
        for (i, e) in draft.equipment_ids.iter().enumerate() {
            let field = format!("equipment_ids[{i}]");
            let item = get_text::<EquipmentRepo>(conn, e)
                .map_err(|_| AppError::invalid(&field, "no such equipment"))?;
            if item.customer_id != draft.customer_id {
                return Err(AppError::invalid(field, "belongs to another customer"));
            }
        }
        let (lines, total) = check_scope("scope_lines", &draft.scope_lines)?;
        let at = now();
        let row = WorkOrderRow {
            time_windows: serde_json::to_string(&draft.time_windows)?,
            id: ids::WorkOrderId::new(),
            customer_id: ids::typed(&draft.customer_id, "customer_id")?,
            site_id: ids::typed(&draft.site_id, "site_id")?,
            equipment_ids: to_json_list(&draft.equipment_ids),
            status: WorkOrderStatus::New,
            priority: draft.priority.unwrap_or(Priority::Normal),
            scope_lines: serde_json::to_string(&lines)?,
            total,
            currency: draft
                .currency
                .clone()
                .unwrap_or_else(|| actor.currency.clone()),
            estimated_minutes: draft.estimated_minutes,
            required_skills: to_json_list(&draft.required_skills),
            engineer_notes: draft.engineer_notes.clone(),
            time_wishes: draft.time_wishes.clone(),
            reminder_id: reminder_id.map(str::to_owned),
            status_reason: None,
            postponed_until: None,
            postponed_from: None,
            completion_summary: None,
            next_step: None,
            version: 1,
            created_by: actor.account().map(ToString::to_string),
            created_at: at,
            updated_at: at,
            kind: draft.kind.unwrap_or(WorkOrderKind::Service),
            agreed_at: None,
            scheduled_at: None,
            completed_at: None,
        };
        work_orders::insert(conn, &row)?;
        event(
            conn,
            actor,
            &row.customer_id,
            "work_order",
            &row.id,
            "created",
            json!({"site_id": row.site_id, "scope_lines": lines, "total": total, "currency": row.currency,
                   "reminder_id": reminder_id}),
        )?;
        detail(conn, row)
    })
}
