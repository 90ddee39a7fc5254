//! `/my/visits`: the engineer's own day, with what it needs on site.

use crate::core::ids::VisitId;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::Engineer;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::meter::{Reading, VisitReading};
use crate::error::AppError;
use crate::flow::meters;
use crate::flow::views::{self, EngineerVisit};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Day {
    /// `YYYY-MM-DD` in the company's time zone; today when absent.
    pub date: Option<NaiveDate>,
}

/// The engineer's own visits of a day.
///
/// With what is needed on site: the order, address, access notes, on-site contact, equipment and the customer's promises. Roles: engineer.
#[utoipa::path(
    tag = "engineer",
    params(Day),
    responses((status = 200, body = Vec<EngineerVisit>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/my/visits")]
pub async fn my_visits(
    state: web::Data<AppState>,
    caller: Engineer,
    day: Query<Day>,
) -> Result<web::Json<Vec<EngineerVisit>>, AppError> {
    let actor = caller.actor(&state);
    let date = day.into_inner()?.date.unwrap_or_else(|| actor.today());
    Ok(web::Json(
        state.db(move |c| views::my_visits(c, &actor, date)).await?,
    ))
}

/// One of the engineer's own visits.
///
/// Another engineer's visit is not found (404). Roles: engineer.
#[utoipa::path(
    tag = "engineer",
    params(("id" = String, Path)),
    responses((status = 200, body = EngineerVisit), (status = 404, description = "not this engineer's visit", body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/my/visits/{id}")]
pub async fn my_visit(
    state: web::Data<AppState>,
    caller: Engineer,
    id: Id<VisitId>,
) -> Result<web::Json<EngineerVisit>, AppError> {
    let actor = caller.actor(&state);
    Ok(web::Json(
        state.db(move |c| views::my_visit(c, &actor, &id)).await?,
    ))
}

/// Record a meter reading on one's own visit.
///
/// A meter of the visit's equipment; `read_at` is when it was read on the phone (now when left out), so the phone's queue sending it again answers 200 with the first. Another engineer's visit is not found. Roles: engineer.
#[utoipa::path(
    tag = "engineer",
    params(("id" = String, Path)),
    request_body = VisitReading,
    responses(
        (status = 201, body = Reading),
        (status = 200, body = Reading, description = "the same reading, sent again"),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "not this engineer's visit", body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/my/visits/{id}/readings")]
pub async fn record_reading(
    state: web::Data<AppState>,
    caller: Engineer,
    id: Id<VisitId>,
    body: Json<VisitReading>,
) -> Result<HttpResponse, AppError> {
    let sent = body.into_inner()?;
    let actor = caller.actor(&state);
    let (reading, created) = state
        .db(move |c| meters::record_on_visit(c, &actor, &id, &sent))
        .await?;
    Ok(if created {
        HttpResponse::Created().json(reading)
    } else {
        HttpResponse::Ok().json(reading)
    })
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_visits)
        .service(my_visit)
        .service(record_reading);
}
