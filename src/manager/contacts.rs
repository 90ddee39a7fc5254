//! `/contacts`: the people to call about a customer or a site.

use actix_web::{get, patch, post, web, HttpResponse};

use crate::api::auth::{Manager, Office};
use crate::api::extract::{Id, Json, Query};
use crate::api::records;
use crate::api::state::AppState;
use crate::core::ids::ContactId;
use crate::error::AppError;
use crate::store::page::{Page, PageQuery};

use crate::core::contact::{Contact, ContactFields};
use crate::store::contacts::{self as store, ContactFilter, Contacts};

/// List contact records.
///
/// Newest first, paginated (`limit`, `cursor`), filtered by the query; archived ones only when asked. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "contacts",
    operation_id = "list_contact",
    params(PageQuery, ContactFilter),
    responses((status = 200, body = Page<Contact>)),
    security(("bearer" = [])),
)]
#[get("/contacts")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Office,
    page: Query<PageQuery>,
    filter: Query<ContactFilter>,
) -> Result<web::Json<Page<Contact>>, AppError> {
    let filter = filter.into_inner()?;
    let page = page.into_inner()?.check()?;
    Ok(web::Json(
        state.db(move |c| store::list(c, &filter, &page)).await?,
    ))
}

/// Add a contact record.
///
/// Every field is checked; a bad one is named (400 or 422) and nothing is written. The change is on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "contacts",
    operation_id = "create_contact",
    request_body = ContactFields,
    responses((status = 201, body = Contact)),
    security(("bearer" = [])),
)]
#[post("/contacts")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Manager,
    body: Json<ContactFields>,
) -> Result<HttpResponse, AppError> {
    records::create::<Contacts>(&state, caller.user_id.to_string(), body.into_inner()?).await
}

/// Read a contact record.
///
/// 404 when there is no such record. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "contacts",
    operation_id = "get_contact",
    params(("id" = ContactId, Path)),
    responses((status = 200, body = Contact)),
    security(("bearer" = [])),
)]
#[get("/contacts/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<ContactId>,
) -> Result<web::Json<Contact>, AppError> {
    records::get::<Contacts>(&state, id.into_inner()).await
}

/// Change a contact record.
///
/// An RFC 7386 merge patch checked as on creation; the change is on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "contacts",
    operation_id = "update_contact",
    params(("id" = ContactId, Path)),
    request_body(
        content = Object,
        description = "An RFC 7386 merge patch of the fields: only the fields to change; `null` clears one.",
    ),
    responses((status = 200, body = Contact)),
    security(("bearer" = [])),
)]
#[patch("/contacts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<ContactId>,
    body: Json<serde_json::Value>,
) -> Result<web::Json<Contact>, AppError> {
    records::update::<Contacts>(
        &state,
        caller.user_id.to_string(),
        id.into_inner(),
        body.into_inner()?,
    )
    .await
}

/// Archive a contact record.
///
/// It leaves the lists but stays on the timeline and in the history; restore brings it back. Roles: owner, manager.
#[utoipa::path(
    tag = "contacts",
    operation_id = "archive_contact",
    params(("id" = ContactId, Path)),
    responses((status = 200, description = "archived: hidden from lists, history kept", body = Contact)),
    security(("bearer" = [])),
)]
#[post("/contacts/{id}/archive")]
pub async fn archive(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<ContactId>,
) -> Result<web::Json<Contact>, AppError> {
    records::set_archived::<Contacts>(&state, caller.user_id.to_string(), id.into_inner(), true)
        .await
}

/// Restore an archived contact record.
///
/// It is back in the lists. Roles: owner, manager.
#[utoipa::path(
    tag = "contacts",
    operation_id = "restore_contact",
    params(("id" = ContactId, Path)),
    responses((status = 200, body = Contact)),
    security(("bearer" = [])),
)]
#[post("/contacts/{id}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<ContactId>,
) -> Result<web::Json<Contact>, AppError> {
    records::set_archived::<Contacts>(&state, caller.user_id.to_string(), id.into_inner(), false)
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
