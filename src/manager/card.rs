//! The customer card and the customer's agreements.

use crate::core::ids::CustomerId;
use actix_web::{get, post, web, HttpResponse};

use crate::api::auth::{Manager, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json};
use crate::api::state::AppState;
use crate::core::agreement::{Agreement, AgreementDraft};
use crate::error::AppError;
use crate::flow::agreements;
use crate::flow::views::{self, CustomerCard};
use crate::store::customers::Customers;
use crate::store::records;

/// The customer's card: everything about one customer.
///
/// Contacts, sites, equipment, promises, open and past orders, the next maintenance due, open reminders and the latest timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path)),
    responses((status = 200, body = CustomerCard), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/customers/{id}/card")]
pub async fn card(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<CustomerId>,
) -> Result<web::Json<CustomerCard>, AppError> {
    let actor = caller.actor(&state);
    let card = state.db(move |c| views::customer_card(c, &id)).await?;
    Ok(web::Json(
        card.in_words(actor.timezone, actor.messaging.locale),
    ))
}

/// Record a promise made to the customer.
///
/// A discount, future work or terms, with a follow-up date that becomes a reminder when it comes. Roles: owner, manager.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path)),
    request_body = AgreementDraft,
    responses((status = 201, body = Agreement), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/customers/{id}/agreements")]
pub async fn add_agreement(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<CustomerId>,
    body: Json<AgreementDraft>,
) -> Result<HttpResponse, AppError> {
    let draft = body.into_inner()?;
    let actor = caller.actor(&state);
    let agreement = state
        .db(move |c| agreements::create(c, &actor, &id, draft))
        .await?;
    Ok(HttpResponse::Created().json(agreement))
}

/// List the promises made to a customer.
///
/// Active ones first. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<Agreement>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/customers/{id}/agreements")]
pub async fn list_agreements(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<CustomerId>,
) -> Result<web::Json<Vec<Agreement>>, AppError> {
    let list = state
        .db(move |c| {
            let customer = records::get::<Customers>(c, &id)?;
            crate::store::agreements::for_customer(c, &customer.id)
        })
        .await?;
    Ok(web::Json(list))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(card)
        .service(add_agreement)
        .service(list_agreements);
}
