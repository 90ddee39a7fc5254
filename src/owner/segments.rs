//! `/segments`: saved filters over customers with their counts, and
//! `/segments/{id}/messages`: a mass SMS or e-mail to one (owner and managers).

use crate::core::ids::{CampaignId, SegmentId};
use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::auth::Manager;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json};
use crate::api::state::AppState;
use crate::core::analytics::segment::SegmentRule;
use crate::error::AppError;
use crate::flow::segments::{self, CampaignRequest, CampaignView, SegmentFields, SegmentView};

/// List the saved customer segments.
///
/// With each segment's rule. Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    responses((status = 200, body = Vec<SegmentView>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/segments")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Manager,
) -> Result<web::Json<Vec<SegmentView>>, AppError> {
    Ok(web::Json(state.db(segments::list).await?))
}

/// Save a customer segment.
///
/// A rule over customers' fields, orders and equipment. Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    request_body = SegmentFields,
    responses((status = 201, body = SegmentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/segments")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Manager,
    body: Json<SegmentFields>,
) -> Result<HttpResponse, AppError> {
    let fields = body.into_inner()?;
    let actor = caller.actor(&state);
    let view = state
        .db(move |c| segments::create(c, &actor, fields))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// How many customers a rule matches.
#[derive(Serialize, ToSchema)]
pub struct SegmentCount {
    pub customers: i64,
}

/// Count the customers a rule selects, without saving it.
///
/// For trying a rule out. Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    request_body = SegmentRule,
    responses((status = 200, body = SegmentCount), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/segments/count")]
pub async fn count(
    state: web::Data<AppState>,
    _caller: Manager,
    body: Json<SegmentRule>,
) -> Result<web::Json<SegmentCount>, AppError> {
    let rule = body.into_inner()?;
    let customers = state.db(move |c| segments::count(c, rule)).await?;
    Ok(web::Json(SegmentCount { customers }))
}

/// Read a segment with its customer count.
///
/// 404 when there is no such segment. Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    params(("id" = String, Path)),
    responses((status = 200, body = SegmentView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/segments/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _caller: Manager,
    id: Id<SegmentId>,
) -> Result<web::Json<SegmentView>, AppError> {
    Ok(web::Json(state.db(move |c| segments::read(c, &id)).await?))
}

/// Change a segment's rule or name.
///
/// The rule is checked as on creation. Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    params(("id" = String, Path)),
    request_body = SegmentFields,
    responses((status = 200, body = SegmentView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[put("/segments/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<SegmentId>,
    body: Json<SegmentFields>,
) -> Result<web::Json<SegmentView>, AppError> {
    let fields = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(web::Json(
        state
            .db(move |c| segments::update(c, &actor, &id, fields))
            .await?,
    ))
}

/// Delete a segment.
///
/// Messages already sent to it stay in the outbox's history. Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[delete("/segments/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<SegmentId>,
) -> Result<HttpResponse, AppError> {
    let actor = caller.actor(&state);
    state.db(move |c| segments::delete(c, &actor, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a message to a segment's customers.
///
/// Marketing messages go only to contacts who accepted them, at the company's pace and outside quiet hours; each is an outbox row. `dry_run` counts without sending. Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    params(("id" = String, Path)),
    request_body = CampaignRequest,
    responses(
        (status = 201, body = CampaignView, description = "queued in the outbox"),
        (status = 200, body = CampaignView, description = "a dry run: counted, nothing sent"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/segments/{id}/messages")]
pub async fn send(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<SegmentId>,
    body: Json<CampaignRequest>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner()?;
    let dry_run = request.dry_run;
    let actor = caller.actor(&state);
    let per_minute = state.config().analytics.messages_per_minute;
    let view = state
        .db_sending(move |c, outbox| segments::send(c, outbox, &actor, per_minute, &id, request))
        .await?;
    Ok(if dry_run {
        HttpResponse::Ok().json(view)
    } else {
        HttpResponse::Created().json(view)
    })
}

/// List the messages sent to a segment.
///
/// Each campaign with its messages counted by delivery state. Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<CampaignView>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/segments/{id}/messages")]
pub async fn sent(
    state: web::Data<AppState>,
    _caller: Manager,
    id: Id<SegmentId>,
) -> Result<web::Json<Vec<CampaignView>>, AppError> {
    Ok(web::Json(
        state.db(move |c| segments::campaigns(c, &id)).await?,
    ))
}

/// Read one campaign's delivery.
///
/// Its messages counted by delivery state (queued, sent, failed, suppressed, …). Roles: owner, manager.
#[utoipa::path(
    tag = "segments",
    params(("id" = String, Path)),
    responses((status = 200, body = CampaignView), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/campaigns/{id}")]
pub async fn campaign(
    state: web::Data<AppState>,
    _caller: Manager,
    id: Id<CampaignId>,
) -> Result<web::Json<CampaignView>, AppError> {
    Ok(web::Json(
        state.db(move |c| segments::campaign(c, &id)).await?,
    ))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(count)
        .service(read)
        .service(update)
        .service(remove)
        .service(send)
        .service(sent)
        .service(campaign);
}
