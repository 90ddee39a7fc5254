//! The customer's papers link, from the office: made on request (to send or
//! read out), and withdrawn when it reached the wrong person.

use actix_web::{delete, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::auth::Office;
use crate::api::error::ErrorBody;
use crate::api::extract::Id;
use crate::api::state::AppState;
use crate::core::ids::CustomerId;
use crate::error::AppError;
use crate::flow::papers;
use crate::store::customers::Customers;
use crate::store::records;

/// A customer's papers link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PapersLink {
    /// Opens the customer's addresses, equipment, visits and certificates for a year, without a login.
    pub link: String,
}

/// Make the customer's papers link.
///
/// The link opens the customer's sites, equipment, visits and certificates (PDF) without a login, for a year, until withdrawn. Completion e-mails carry it too. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path)),
    responses((status = 200, body = PapersLink), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/customers/{id}/papers-link")]
pub async fn make(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<CustomerId>,
) -> Result<web::Json<PapersLink>, AppError> {
    let m = state.config().messaging.clone();
    let link = state
        .db(move |c| {
            records::get::<Customers>(c, &id)?;
            papers::link(c, &m, &id, chrono::Utc::now())
        })
        .await?;
    Ok(web::Json(PapersLink { link }))
}

/// Withdraw the customer's papers links.
///
/// Every link given out so far stops working (410); a new one can be made at once. On the customer's timeline. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path)),
    responses((status = 204, description = "withdrawn"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[delete("/customers/{id}/papers-link")]
pub async fn withdraw(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<CustomerId>,
) -> Result<HttpResponse, AppError> {
    let actor = caller.actor(&state);
    state.db(move |c| papers::withdraw(c, &actor, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(make).service(withdraw);
}
