//! `/equipment`: installed items, each at a site.

use actix_web::{get, patch, post, web, HttpResponse};

use crate::api::auth::{Manager, Office};
use crate::api::extract::{Id, Json, Query};
use crate::api::records;
use crate::api::state::AppState;
use crate::core::ids::EquipmentId;
use crate::error::AppError;
use crate::store::page::{Page, PageQuery};

use crate::core::equipment::{Equipment, EquipmentFields};
use crate::store::equipment::{self as store, EquipmentFilter, EquipmentRepo};

/// List equipment records.
///
/// Newest first, paginated (`limit`, `cursor`), filtered by the query; archived ones only when asked. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    operation_id = "list_equipment",
    params(PageQuery, EquipmentFilter),
    responses((status = 200, body = Page<Equipment>)),
    security(("bearer" = [])),
)]
#[get("/equipment")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Office,
    page: Query<PageQuery>,
    filter: Query<EquipmentFilter>,
) -> Result<web::Json<Page<Equipment>>, AppError> {
    let filter = filter.into_inner()?;
    let page = page.into_inner()?.check()?;
    Ok(web::Json(
        state.db(move |c| store::list(c, &filter, &page)).await?,
    ))
}

/// Add an equipment record.
///
/// Every field is checked; a bad one is named (400 or 422) and nothing is written. The change is on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "equipment",
    operation_id = "create_equipment",
    request_body = EquipmentFields,
    responses((status = 201, body = Equipment)),
    security(("bearer" = [])),
)]
#[post("/equipment")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Manager,
    body: Json<EquipmentFields>,
) -> Result<HttpResponse, AppError> {
    records::create::<EquipmentRepo>(&state, caller.user_id.to_string(), body.into_inner()?).await
}

/// Read an equipment record.
///
/// 404 when there is no such record. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    operation_id = "get_equipment",
    params(("id" = EquipmentId, Path)),
    responses((status = 200, body = Equipment)),
    security(("bearer" = [])),
)]
#[get("/equipment/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<EquipmentId>,
) -> Result<web::Json<Equipment>, AppError> {
    records::get::<EquipmentRepo>(&state, id.into_inner()).await
}

/// Change an equipment record.
///
/// An RFC 7386 merge patch checked as on creation; the change is on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "equipment",
    operation_id = "update_equipment",
    params(("id" = EquipmentId, Path)),
    request_body(
        content = Object,
        description = "An RFC 7386 merge patch of the fields: only the fields to change; `null` clears one.",
    ),
    responses((status = 200, body = Equipment)),
    security(("bearer" = [])),
)]
#[patch("/equipment/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<EquipmentId>,
    body: Json<serde_json::Value>,
) -> Result<web::Json<Equipment>, AppError> {
    records::update::<EquipmentRepo>(
        &state,
        caller.user_id.to_string(),
        id.into_inner(),
        body.into_inner()?,
    )
    .await
}

/// Archive an equipment record.
///
/// It leaves the lists but stays on the timeline and in the history; restore brings it back. Roles: owner, manager.
#[utoipa::path(
    tag = "equipment",
    operation_id = "archive_equipment",
    params(("id" = EquipmentId, Path)),
    responses((status = 200, description = "archived: hidden from lists, history kept", body = Equipment)),
    security(("bearer" = [])),
)]
#[post("/equipment/{id}/archive")]
pub async fn archive(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<EquipmentId>,
) -> Result<web::Json<Equipment>, AppError> {
    records::set_archived::<EquipmentRepo>(
        &state,
        caller.user_id.to_string(),
        id.into_inner(),
        true,
    )
    .await
}

/// Restore an archived equipment record.
///
/// It is back in the lists. Roles: owner, manager.
#[utoipa::path(
    tag = "equipment",
    operation_id = "restore_equipment",
    params(("id" = EquipmentId, Path)),
    responses((status = 200, body = Equipment)),
    security(("bearer" = [])),
)]
#[post("/equipment/{id}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<EquipmentId>,
) -> Result<web::Json<Equipment>, AppError> {
    records::set_archived::<EquipmentRepo>(
        &state,
        caller.user_id.to_string(),
        id.into_inner(),
        false,
    )
    .await
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
