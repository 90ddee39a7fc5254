//! The manager's work-order actions, and those a manager shares with administrators.

use crate::core::ids::WorkOrderId;
use actix_web::{post, web, HttpRequest};

use crate::api::actions::{take, ActionHeaders};
use crate::api::auth::{Manager, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json};
use crate::api::state::AppState;
use crate::error::AppError;
use crate::flow::actions::Request;
use crate::flow::bodies;
use crate::flow::work_orders::WorkOrderDetail;

/// Agree price and scope with the customer.
///
/// Roles: owner, manager.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::Agree,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/agree")]
pub async fn agree(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::Agree>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(&state, caller.actor(&state), id, &req, body, Request::Agree).await
}

/// Hand the agreed order to the administrators.
///
/// Roles: owner, manager.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::VersionOnly,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/send-to-scheduling")]
pub async fn send_to_scheduling(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::VersionOnly>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::SendToScheduling,
    )
    .await
}

/// Close a certified order with the next step; a follow-up date becomes a reminder.
///
/// Roles: owner, manager.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::Close,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/close")]
pub async fn close(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::Close>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(&state, caller.actor(&state), id, &req, body, Request::Close).await
}

/// Put the order off until a date; a booked visit is released.
///
/// Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::Postpone,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/postpone")]
pub async fn postpone(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::Postpone>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::Postpone,
    )
    .await
}

/// Cancel the order with a reason; a booked visit is released.
///
/// Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::Reason,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::Reason>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::Cancel,
    )
    .await
}

/// Bring a postponed order back to where it was.
///
/// Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::VersionOnly,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::VersionOnly>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::Reopen,
    )
    .await
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(agree)
        .service(send_to_scheduling)
        .service(close)
        .service(postpone)
        .service(cancel)
        .service(reopen);
}
