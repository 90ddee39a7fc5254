//! `/customers`: private people and organisations.

use actix_web::{get, patch, post, web, HttpResponse};

use crate::api::auth::{Manager, Office};
use crate::api::extract::{Id, Json, Query};
use crate::api::records;
use crate::api::state::AppState;
use crate::core::ids::CustomerId;
use crate::error::AppError;
use crate::store::page::{Page, PageQuery};

use crate::core::customer::{Customer, CustomerFields};
use crate::store::customers::{self as store, CustomerFilter, Customers};

/// List customer records.
///
/// Newest first, paginated (`limit`, `cursor`), filtered by the query; archived ones only when asked. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "customers",
    operation_id = "list_customer",
    params(PageQuery, CustomerFilter),
    responses((status = 200, body = Page<Customer>)),
    security(("bearer" = [])),
)]
#[get("/customers")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Office,
    page: Query<PageQuery>,
    filter: Query<CustomerFilter>,
) -> Result<web::Json<Page<Customer>>, AppError> {
    let filter = filter.into_inner()?;
    let page = page.into_inner()?.check()?;
    Ok(web::Json(
        state.db(move |c| store::list(c, &filter, &page)).await?,
    ))
}

/// Add a customer record.
///
/// Every field is checked; a bad one is named (400 or 422) and nothing is written. The change is on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "customers",
    operation_id = "create_customer",
    request_body = CustomerFields,
    responses((status = 201, body = Customer)),
    security(("bearer" = [])),
)]
#[post("/customers")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Manager,
    body: Json<CustomerFields>,
) -> Result<HttpResponse, AppError> {
    records::create::<Customers>(&state, caller.user_id.to_string(), body.into_inner()?).await
}

/// Read a customer record.
///
/// 404 when there is no such record. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "customers",
    operation_id = "get_customer",
    params(("id" = CustomerId, Path)),
    responses((status = 200, body = Customer)),
    security(("bearer" = [])),
)]
#[get("/customers/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<CustomerId>,
) -> Result<web::Json<Customer>, AppError> {
    records::get::<Customers>(&state, id.into_inner()).await
}

/// Change a customer record.
///
/// An RFC 7386 merge patch checked as on creation; the change is on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "customers",
    operation_id = "update_customer",
    params(("id" = CustomerId, Path)),
    request_body(
        content = Object,
        description = "An RFC 7386 merge patch of the fields: only the fields to change; `null` clears one.",
    ),
    responses((status = 200, body = Customer)),
    security(("bearer" = [])),
)]
#[patch("/customers/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<CustomerId>,
    body: Json<serde_json::Value>,
) -> Result<web::Json<Customer>, AppError> {
    records::update::<Customers>(
        &state,
        caller.user_id.to_string(),
        id.into_inner(),
        body.into_inner()?,
    )
    .await
}

/// Archive a customer record.
///
/// It leaves the lists but stays on the timeline and in the history; restore brings it back. Roles: owner, manager.
#[utoipa::path(
    tag = "customers",
    operation_id = "archive_customer",
    params(("id" = CustomerId, Path)),
    responses((status = 200, description = "archived: hidden from lists, history kept", body = Customer)),
    security(("bearer" = [])),
)]
#[post("/customers/{id}/archive")]
pub async fn archive(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<CustomerId>,
) -> Result<web::Json<Customer>, AppError> {
    records::set_archived::<Customers>(&state, caller.user_id.to_string(), id.into_inner(), true)
        .await
}

/// Restore an archived customer record.
///
/// It is back in the lists. Roles: owner, manager.
#[utoipa::path(
    tag = "customers",
    operation_id = "restore_customer",
    params(("id" = CustomerId, Path)),
    responses((status = 200, body = Customer)),
    security(("bearer" = [])),
)]
#[post("/customers/{id}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<CustomerId>,
) -> Result<web::Json<Customer>, AppError> {
    records::set_archived::<Customers>(&state, caller.user_id.to_string(), id.into_inner(), false)
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
