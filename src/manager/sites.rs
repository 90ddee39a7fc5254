//! `/sites`: the addresses where equipment stands.

use actix_web::{get, patch, post, web, HttpResponse};

use crate::api::auth::{Manager, Office};
use crate::api::extract::{Id, Json, Query};
use crate::api::records;
use crate::api::state::AppState;
use crate::core::ids::SiteId;
use crate::error::AppError;
use crate::store::page::{Page, PageQuery};

use crate::core::site::{Site, SiteFields};
use crate::store::sites::{self as store, SiteFilter, Sites};

/// List site records.
///
/// Newest first, paginated (`limit`, `cursor`), filtered by the query; archived ones only when asked. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "sites",
    operation_id = "list_site",
    params(PageQuery, SiteFilter),
    responses((status = 200, body = Page<Site>)),
    security(("bearer" = [])),
)]
#[get("/sites")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Office,
    page: Query<PageQuery>,
    filter: Query<SiteFilter>,
) -> Result<web::Json<Page<Site>>, AppError> {
    let filter = filter.into_inner()?;
    let page = page.into_inner()?.check()?;
    Ok(web::Json(
        state.db(move |c| store::list(c, &filter, &page)).await?,
    ))
}

/// Add a site record.
///
/// Every field is checked; a bad one is named (400 or 422) and nothing is written. The change is on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "sites",
    operation_id = "create_site",
    request_body = SiteFields,
    responses((status = 201, body = Site)),
    security(("bearer" = [])),
)]
#[post("/sites")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Manager,
    body: Json<SiteFields>,
) -> Result<HttpResponse, AppError> {
    records::create::<Sites>(&state, caller.user_id.to_string(), body.into_inner()?).await
}

/// Read a site record.
///
/// 404 when there is no such record. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "sites",
    operation_id = "get_site",
    params(("id" = SiteId, Path)),
    responses((status = 200, body = Site)),
    security(("bearer" = [])),
)]
#[get("/sites/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<SiteId>,
) -> Result<web::Json<Site>, AppError> {
    records::get::<Sites>(&state, id.into_inner()).await
}

/// Change a site record.
///
/// An RFC 7386 merge patch checked as on creation; the change is on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "sites",
    operation_id = "update_site",
    params(("id" = SiteId, Path)),
    request_body(
        content = Object,
        description = "An RFC 7386 merge patch of the fields: only the fields to change; `null` clears one.",
    ),
    responses((status = 200, body = Site)),
    security(("bearer" = [])),
)]
#[patch("/sites/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<SiteId>,
    body: Json<serde_json::Value>,
) -> Result<web::Json<Site>, AppError> {
    records::update::<Sites>(
        &state,
        caller.user_id.to_string(),
        id.into_inner(),
        body.into_inner()?,
    )
    .await
}

/// Archive a site record.
///
/// It leaves the lists but stays on the timeline and in the history; restore brings it back. Roles: owner, manager.
#[utoipa::path(
    tag = "sites",
    operation_id = "archive_site",
    params(("id" = SiteId, Path)),
    responses((status = 200, description = "archived: hidden from lists, history kept", body = Site)),
    security(("bearer" = [])),
)]
#[post("/sites/{id}/archive")]
pub async fn archive(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<SiteId>,
) -> Result<web::Json<Site>, AppError> {
    records::set_archived::<Sites>(&state, caller.user_id.to_string(), id.into_inner(), true).await
}

/// Restore an archived site record.
///
/// It is back in the lists. Roles: owner, manager.
#[utoipa::path(
    tag = "sites",
    operation_id = "restore_site",
    params(("id" = SiteId, Path)),
    responses((status = 200, body = Site)),
    security(("bearer" = [])),
)]
#[post("/sites/{id}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<SiteId>,
) -> Result<web::Json<Site>, AppError> {
    records::set_archived::<Sites>(&state, caller.user_id.to_string(), id.into_inner(), false).await
}

/// Registers the six routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(archive)
        .service(restore);
}
