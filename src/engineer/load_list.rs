//! `/my/load-list`: the engineer's own load list, and loading the van from
//! the phone at the warehouse.

use actix_web::{get, post, web};

use super::visits::Day;
use crate::api::auth::Engineer;
use crate::api::error::ErrorBody;
use crate::api::extract::{Json, Query};
use crate::api::state::AppState;
use crate::error::AppError;
use crate::flow::load_lists::{self, Load, LoadList, Loaded};

/// The engineer's own load list of a day.
///
/// Each part the day's visits put in, what the van holds for them, and what to take from which warehouse. Roles: engineer.
#[utoipa::path(
    tag = "engineer",
    params(Day),
    responses((status = 200, body = LoadList), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/my/load-list")]
pub async fn my_load_list(
    state: web::Data<AppState>,
    caller: Engineer,
    day: Query<Day>,
) -> Result<web::Json<LoadList>, AppError> {
    let actor = caller.actor(&state);
    let date = day.into_inner()?.date.unwrap_or_else(|| actor.today());
    Ok(web::Json(
        state
            .db(move |c| load_lists::one_list(c, &actor.user_id, date, actor.timezone))
            .await?,
    ))
}

/// Load the engineer's own van.
///
/// As the office's load: the list's picks transferred to the van and the day's reservations moved with them, in one transaction; again takes nothing more. Roles: engineer.
#[utoipa::path(
    tag = "engineer",
    request_body = Load,
    responses((status = 200, body = Loaded), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/my/load-list/load")]
pub async fn load_my_van(
    state: web::Data<AppState>,
    caller: Engineer,
    body: Json<Load>,
) -> Result<web::Json<Loaded>, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(web::Json(
        state
            .db(move |c| load_lists::load_van(c, &actor, &actor.user_id.clone(), body))
            .await?,
    ))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_load_list).service(load_my_van);
}
