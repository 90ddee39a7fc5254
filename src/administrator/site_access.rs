//! The two customer-base facts administrators keep current while booking visits:
//! how to get into a site, and when a contact can be reached.

use crate::core::ids::{ContactId, SiteId};
use actix_web::{patch, web};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::api::auth::Office;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json};
use crate::api::records;
use crate::api::state::AppState;
use crate::core::contact::Contact;
use crate::core::site::Site;
use crate::error::AppError;
use crate::store::contacts::Contacts;
use crate::store::sites::Sites;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessNotes {
    /// Gate code, where the key is, the dog; `null` or empty clears.
    pub access_notes: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// When the person can be reached, in words; `null` or empty clears.
    pub availability: Option<String>,
}

/// Set a site's access notes.
///
/// How to get in: gate codes, keys, the neighbour who has them. Recorded on the customer's timeline. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "sites",
    params(("id" = String, Path)),
    request_body = AccessNotes,
    responses((status = 200, body = Site), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[patch("/sites/{id}/access-notes")]
pub async fn set_access_notes(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<SiteId>,
    body: Json<AccessNotes>,
) -> Result<web::Json<Site>, AppError> {
    let patch = json!({ "access_notes": body.into_inner()?.access_notes });
    records::update::<Sites>(&state, caller.user_id.to_string(), id.into_inner(), patch).await
}

/// Set when a contact can be reached or is on site.
///
/// Free text the administrator books by; recorded on the customer's timeline. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "contacts",
    params(("id" = String, Path)),
    request_body = Availability,
    responses((status = 200, body = Contact), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[patch("/contacts/{id}/availability")]
pub async fn set_availability(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<ContactId>,
    body: Json<Availability>,
) -> Result<web::Json<Contact>, AppError> {
    let patch = json!({ "availability": body.into_inner()?.availability });
    records::update::<Contacts>(&state, caller.user_id.to_string(), id.into_inner(), patch).await
}

/// Registers the two routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(set_access_notes).service(set_availability);
}
