//! Day planning over HTTP: engineers' planning profiles, route proposals and their
//! acceptance, and an engineer's day as a checked route.

use crate::core::ids::{RoutePlanId, UserId};
use actix_web::{get, post, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::{Dispatcher, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::route::EngineerProfile;
use crate::error::AppError;
use crate::flow::planning::{self, AcceptRequest, PlanRequest, RoutePlan};
use crate::flow::route_day::{self, day_route_now, travel_between, DayRoute};
use crate::store::{engineers, now, users};

/// An engineer as the planner sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlannedEngineer {
    pub id: String,
    pub name: String,
    /// None until the office sets one; the planner skips such engineers.
    pub profile: Option<EngineerProfile>,
}

/// List the engineers with their working profiles.
///
/// Working days, shift, lunch break, start position and skills, as the planner uses them. Roles: owner, manager, administrator.
#[utoipa::path(tag = "planning", responses((status = 200, body = Vec<PlannedEngineer>)), security(("bearer" = [])))]
#[get("/engineers")]
pub async fn list_engineers(
    state: web::Data<AppState>,
    _caller: Office,
) -> Result<web::Json<Vec<PlannedEngineer>>, AppError> {
    let rows = state.db(engineers::active).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(id, name, profile)| PlannedEngineer {
                id: id.into_string(),
                name,
                profile,
            })
            .collect(),
    ))
}

/// Set an engineer's working profile.
///
/// Working days, shift, break, start position and skills; every value is checked and a bad one named (422). Roles: owner, administrator.
#[utoipa::path(
    tag = "planning",
    params(("id" = String, Path)),
    request_body = EngineerProfile,
    responses((status = 200, body = PlannedEngineer), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[put("/engineers/{id}/profile")]
pub async fn put_profile(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    id: Id<UserId>,
    body: Json<EngineerProfile>,
) -> Result<web::Json<PlannedEngineer>, AppError> {
    let id = id.into_inner();
    let profile = body.into_inner()?.validate()?;
    let view = state
        .db(move |conn| {
            let user = users::find(conn, &id)?
                .filter(|u| u.active)
                .ok_or(AppError::NotFound { entity: "engineer" })?;
            if !user.roles()?.contains(&crate::core::role::Role::Engineer) {
                return Err(AppError::NotFound { entity: "engineer" });
            }
            engineers::save_profile(conn, &id, &profile, now())?;
            Ok(PlannedEngineer {
                id: user.id.to_string(),
                name: user.name,
                profile: Some(profile),
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// Propose routes for a day.
///
/// Runs the planner on the orders waiting for scheduling and the engineers' profiles; nothing is booked until the plan is accepted. Roles: owner, administrator.
#[utoipa::path(
    tag = "planning",
    request_body = PlanRequest,
    responses(
        (status = 201, body = RoutePlan),
        (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 502, description = "the OSRM travel service failed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/route-plans")]
pub async fn propose(
    state: web::Data<AppState>,
    caller: Dispatcher,
    body: Json<PlanRequest>,
) -> Result<actix_web::HttpResponse, AppError> {
    let request = body.into_inner()?;
    let actor = caller.actor(&state);
    let limits = state.config().routing.limits(request.time_limit_seconds);
    let gather_actor = actor.clone();
    let input = state
        .db(move |conn| planning::gather(conn, &gather_actor, &request))
        .await?;
    let matrix = travel_between(&state.config(), &crate::routing::planner::places(&input)).await?;
    let days = input.days.clone();
    let plan = planning::solve(input, matrix, limits).await?;
    let saved = state
        .db(move |conn| planning::save(conn, &actor, &days, plan))
        .await?;
    Ok(actix_web::HttpResponse::Created().json(saved))
}

/// Read a proposed route plan.
///
/// The routes, the visits in order with their times, and what could not be placed and why. Roles: owner, administrator.
#[utoipa::path(
    tag = "planning",
    params(("id" = String, Path)),
    responses((status = 200, body = RoutePlan), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/route-plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    id: Id<RoutePlanId>,
) -> Result<web::Json<RoutePlan>, AppError> {
    Ok(web::Json(state.db(move |c| planning::get(c, &id)).await?))
}

/// Accept a route plan: book its visits.
///
/// Books every visit of the plan in one transaction and writes the customers' SMS to the outbox; 409 when an order or engineer changed since the proposal. Roles: owner, administrator.
#[utoipa::path(
    tag = "planning",
    params(("id" = String, Path)),
    request_body = AcceptRequest,
    responses(
        (status = 200, body = RoutePlan),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_accepted`, or an order changed since (`stale_version`, `invalid_transition`, `engineer_busy`): nothing was booked", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/route-plans/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<RoutePlanId>,
    body: Json<AcceptRequest>,
) -> Result<web::Json<RoutePlan>, AppError> {
    let request = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(web::Json(
        state
            .db_sending(move |c, outbox| planning::accept(c, outbox, &actor, &id, request))
            .await?,
    ))
}

/// The day asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// Company time.
    pub date: NaiveDate,
}

/// Read an engineer's route for a day.
///
/// The booked visits in order with travel times between them, in the company's time zone. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "planning",
    params(("id" = String, Path), DayQuery),
    responses((status = 200, body = DayRoute), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/engineers/{id}/route")]
pub async fn day_route(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<UserId>,
    query: Query<DayQuery>,
) -> Result<web::Json<DayRoute>, AppError> {
    let date = query.into_inner()?.date;
    Ok(web::Json(
        day_route_now(&state.database, &state.config(), id.into_inner(), date).await?,
    ))
}

/// A day's visits in a new order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    pub date: NaiveDate,
    /// Every visit of the engineer that day, in the order to drive them.
    pub visit_ids: Vec<String>,
}

/// Put an engineer's day in another order.
///
/// Moves the day's visits into the given order and re-times them; customers whose time changes are told by SMS. Roles: owner, administrator.
#[utoipa::path(
    tag = "planning",
    params(("id" = String, Path)),
    request_body = NewOrder,
    responses(
        (status = 200, description = "the day re-timed in the new order", body = DayRoute),
        (status = 404, body = ErrorBody),
        (status = 409, description = "a visit is under way and cannot move (`invalid_transition`)", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/engineers/{id}/route/reorder")]
pub async fn reorder(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<UserId>,
    body: Json<NewOrder>,
) -> Result<web::Json<DayRoute>, AppError> {
    let NewOrder { date, visit_ids } = body.into_inner()?;
    let id = id.into_inner();
    let tz = state.config().timezone;
    let load_id = id.clone();
    let data = state
        .db(move |c| route_day::load(c, &load_id, date, tz))
        .await?
        .reordered(&visit_ids)?;
    let matrix = travel_between(&state.config(), &data.places()).await?;
    let actor = caller.actor(&state);
    let apply_id = id.clone();
    state
        .db_sending(move |c, outbox| {
            route_day::apply_order(c, outbox, &actor, &apply_id, date, &data, &matrix)
        })
        .await?;
    Ok(web::Json(
        day_route_now(&state.database, &state.config(), id, date).await?,
    ))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_engineers)
        .service(put_profile)
        .service(propose)
        .service(get_plan)
        .service(accept)
        .service(day_route)
        .service(reorder);
}
