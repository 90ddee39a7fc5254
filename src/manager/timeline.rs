//! `/customers/{id}/timeline`: everything that happened to a customer, newest first.

use crate::core::ids::CustomerId;
use actix_web::{get, web};

use crate::api::auth::Office;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Query};
use crate::api::state::AppState;
use crate::error::AppError;
use crate::store::customers::Customers;
use crate::store::events::{self, Event};
use crate::store::page::{Page, PageQuery};
use crate::store::records;

/// The customer's timeline.
///
/// Every event newest first: who, when, what changed. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Page<Event>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/customers/{id}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<CustomerId>,
    page: Query<PageQuery>,
) -> Result<web::Json<Page<Event>>, AppError> {
    let page = page.into_inner()?.check()?;
    let page = state
        .db(move |conn| {
            let customer = records::get::<Customers>(conn, &id)?;
            events::customer_timeline(conn, &customer.id, &page)
        })
        .await?;
    Ok(web::Json(page))
}
