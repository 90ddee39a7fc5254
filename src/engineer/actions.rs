//! The engineer's actions, allowed only on its own visit (another's answers 404).

use crate::core::ids::WorkOrderId;
use actix_web::{post, web, HttpRequest};

use crate::api::actions::{take, ActionHeaders};
use crate::api::auth::Engineer;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json};
use crate::api::state::AppState;
use crate::error::AppError;
use crate::flow::actions::Request;
use crate::flow::bodies;
use crate::flow::work_orders::WorkOrderDetail;

/// Set out for the site.
///
/// Roles: engineer.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::StartTravel,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/start-travel")]
pub async fn start_travel(
    state: web::Data<AppState>,
    caller: Engineer,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::StartTravel>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::StartTravel,
    )
    .await
}

/// Arrive on site.
///
/// Roles: engineer.
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
#[post("/work-orders/{id}/actions/arrive")]
pub async fn arrive(
    state: web::Data<AppState>,
    caller: Engineer,
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
        Request::Arrive,
    )
    .await
}

/// Report the work done: notes, lines done, parts used.
///
/// Roles: engineer.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path), ActionHeaders),
    request_body = bodies::Finish,
    responses(
        (status = 200, body = WorkOrderDetail),
        (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/actions/finish")]
pub async fn finish(
    state: web::Data<AppState>,
    caller: Engineer,
    id: Id<WorkOrderId>,
    req: HttpRequest,
    body: Json<bodies::Finish>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    take(
        &state,
        caller.actor(&state),
        id,
        &req,
        body,
        Request::Finish,
    )
    .await
}

/// Nobody let the engineer in: the order goes back to scheduling with the reason.
///
/// Roles: engineer.
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
#[post("/work-orders/{id}/actions/no-access")]
pub async fn no_access(
    state: web::Data<AppState>,
    caller: Engineer,
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
        Request::NoAccess,
    )
    .await
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(start_travel)
        .service(arrive)
        .service(finish)
        .service(no_access);
}
