//! `/stock/load-lists`: what each engineer takes from the warehouses for a
//! day's route, read by the office and loaded by the owner or an
//! administrator (the engineer loads its own under `/my/load-list`).

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::{Dispatcher, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::ids::UserId;
use crate::error::AppError;
use crate::flow::load_lists::{self, Load, LoadList, Loaded};

/// Which lists to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Which {
    /// `YYYY-MM-DD` in the company's time zone; today when absent.
    pub date: Option<NaiveDate>,
    /// One engineer's list only.
    pub engineer_id: Option<UserId>,
}

/// The load lists of a day.
///
/// One list per engineer with a live visit that day (or the one asked for): each part the visits put in, what the engineer's van holds for them, what to take and from which warehouse (first where the orders hold it), and what no warehouse has free. Two lists never count the same cartridge. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    params(Which),
    responses((status = 200, body = [LoadList]), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/stock/load-lists")]
pub async fn day_lists(
    state: web::Data<AppState>,
    caller: Office,
    which: Query<Which>,
) -> Result<web::Json<Vec<LoadList>>, AppError> {
    let which = which.into_inner()?;
    let actor = caller.actor(&state);
    let date = which.date.unwrap_or_else(|| actor.today());
    Ok(web::Json(
        state
            .db(move |c| {
                if let Some(e) = &which.engineer_id {
                    load_lists::engineer(c, e)?;
                }
                load_lists::load_lists(c, date, actor.timezone, which.engineer_id.as_ref())
            })
            .await?,
    ))
}

/// Load an engineer's van for a day.
///
/// Every pick of the day's load list is transferred from its warehouse to the van, and the day's reservations move into the van, in one transaction; the answer has the ledger rows and the list as it stands after. Loading again takes nothing more. 422 when the engineer has no van. Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path, description = "the engineer")),
    request_body = Load,
    responses((status = 200, body = Loaded), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/stock/load-lists/{id}/load")]
pub async fn load(
    state: web::Data<AppState>,
    caller: Dispatcher,
    engineer: Id<UserId>,
    body: Json<Load>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    let engineer = engineer.into_inner();
    let loaded = state
        .db(move |c| {
            load_lists::engineer(c, &engineer)?;
            load_lists::load_van(c, &actor, &engineer, body)
        })
        .await?;
    Ok(HttpResponse::Ok().json(loaded))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(day_lists).service(load);
}
