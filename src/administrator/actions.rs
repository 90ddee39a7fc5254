//! The administrator's work-order actions: booking visits and recording completion.

use crate::core::ids::WorkOrderId;
use actix_web::{post, web, HttpRequest};

use crate::api::actions::{take, ActionHeaders};
use crate::api::auth::Dispatcher;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json};
use crate::api::state::AppState;
use crate::error::AppError;
use crate::flow::actions::Request;
use crate::flow::bodies;
use crate::flow::work_orders::WorkOrderDetail;

/// Book the visit: engineer, time window, on-site contact.
///
/// Roles: owner, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::Schedule,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/schedule")]
pub async fn schedule(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::Schedule>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::Schedule,
    )
    .await
}

/// Move the booked visit to another time or engineer.
///
/// Roles: owner, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::Schedule,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/reschedule")]
pub async fn reschedule(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::Schedule>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::Reschedule,
    )
    .await
}

/// Release the booked visit; the order waits for scheduling again.
///
/// Roles: owner, administrator.
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
#[post("/work-orders/{id}/actions/unschedule")]
pub async fn unschedule(
    state: web::Data<AppState>,
    caller: Dispatcher,
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
        Request::Unschedule,
    )
    .await
}

/// Record completion of the work done.
///
/// Roles: owner, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::Certify,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/certify")]
pub async fn certify(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::Certify>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::Certify,
    )
    .await
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(schedule)
        .service(reschedule)
        .service(unschedule)
        .service(certify);
}
