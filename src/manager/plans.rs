//! Maintenance plans on equipment, and the lost-customers list.

use crate::core::ids::{EquipmentId, PlanId};
use actix_web::{get, http::header, patch, post, web, HttpResponse};

use crate::api::auth::Manager;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::plan::{MaintenancePlan, PlanFields};
use crate::error::AppError;
use crate::flow::lost::{self, LostCustomer, LostFilter, LostRules};
use crate::flow::plans;

/// List a piece of equipment's maintenance plans.
///
/// With each plan's rule and next due date. Roles: owner, manager.
#[utoipa::path(
    tag = "maintenance",
    params(("id" = String, Path, description = "the equipment")),
    responses((status = 200, body = Vec<MaintenancePlan>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/equipment/{id}/plans")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Manager,
    id: Id<EquipmentId>,
) -> Result<web::Json<Vec<MaintenancePlan>>, AppError> {
    Ok(web::Json(
        state.db(move |c| plans::for_equipment(c, &id)).await?,
    ))
}

/// Add a maintenance plan to a piece of equipment.
///
/// A calendar rule (RFC 5545 RRULE) or N days/months after the last service; reminders are made ahead of each due date. Roles: owner, manager.
#[utoipa::path(
    tag = "maintenance",
    params(("id" = String, Path, description = "the equipment")),
    request_body = PlanFields,
    responses((status = 201, body = MaintenancePlan), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/equipment/{id}/plans")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<EquipmentId>,
    body: Json<PlanFields>,
) -> Result<HttpResponse, AppError> {
    let fields = body.into_inner()?;
    let actor = caller.actor(&state);
    let plan = state
        .db(move |c| plans::create(c, &actor, &id, fields))
        .await?;
    Ok(HttpResponse::Created().json(plan))
}

/// Read a maintenance plan.
///
/// With the next due dates it will produce. Roles: owner, manager.
#[utoipa::path(
    tag = "maintenance",
    params(("id" = String, Path)),
    responses((status = 200, body = MaintenancePlan), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/plans/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _caller: Manager,
    id: Id<PlanId>,
) -> Result<web::Json<MaintenancePlan>, AppError> {
    Ok(web::Json(state.db(move |c| plans::read(c, &id)).await?))
}

/// Change a maintenance plan.
///
/// A merge patch; the next due date is computed again. Roles: owner, manager.
#[utoipa::path(
    tag = "maintenance",
    params(("id" = String, Path)),
    request_body(content = Object, description = "An RFC 7386 merge patch of the plan's fields; `{\"active\": false}` pauses it."),
    responses((status = 200, body = MaintenancePlan), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[patch("/plans/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<PlanId>,
    body: Json<serde_json::Value>,
) -> Result<web::Json<MaintenancePlan>, AppError> {
    let patch = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(web::Json(
        state
            .db(move |c| plans::update(c, &actor, &id, &patch))
            .await?,
    ))
}

/// List the customers being lost, and why.
///
/// Declined, no answer, or no completed order for the inactivity period; as JSON or CSV. Roles: owner, manager.
#[utoipa::path(
    tag = "maintenance",
    params(LostFilter),
    responses(
        (status = 200, description = "JSON, or CSV with `format=csv`", body = Vec<LostCustomer>),
        (status = 400, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[get("/lost-customers")]
pub async fn lost_customers(
    state: web::Data<AppState>,
    caller: Manager,
    filter: Query<LostFilter>,
) -> Result<HttpResponse, AppError> {
    let filter = filter.into_inner()?;
    let limit = filter.limit.unwrap_or(500);
    if !(1..=5000).contains(&limit) {
        return Err(AppError::BadRequest {
            field: Some("limit".into()),
            message: "limit must be between 1 and 5000".into(),
        });
    }
    let csv = match filter.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(AppError::BadRequest {
                field: Some("format".into()),
                message: "format is json or csv".into(),
            })
        }
    };
    let rules = LostRules::of(&caller.actor(&state), &state.config());
    let rows = state
        .db(move |c| lost::lost_customers(c, &rules, &filter, limit as usize))
        .await?;
    Ok(if csv {
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"lost-customers.csv\"",
            ))
            .body(lost::to_csv(&rows))
    } else {
        HttpResponse::Ok().json(rows)
    })
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(lost_customers);
}
