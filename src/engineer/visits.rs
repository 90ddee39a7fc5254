//! `/my/visits`: the engineer's own day, with what it needs on site.

use crate::core::ids::VisitId;
use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::Engineer;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Query};
use crate::api::state::AppState;
use crate::error::AppError;
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

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_visits).service(my_visit);
}
