//! The office's side of self-scheduling: how many orders wait for the
//! customer's own choice, and sending (again) the "choose a time" link — also
//! for one order when the company does not invite every customer.

use actix_web::{get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::auth::{Dispatcher, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::Id;
use crate::api::state::AppState;
use crate::core::ids::WorkOrderId;
use crate::error::AppError;
use crate::flow::self_scheduling;

/// Orders waiting for the customer to choose a time.
#[derive(Debug, Serialize, ToSchema)]
pub struct Waiting {
    pub count: usize,
    pub orders: Vec<WaitingOrder>,
}

/// One order waiting for its customer's choice.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingOrder {
    pub work_order_id: String,
    /// When the first link went out.
    pub invited_at: chrono::DateTime<chrono::Utc>,
}

/// Orders waiting for the customer's choice.
///
/// In `scheduling`, with a "choose a time" link sent; the office may remind the customer or book the visit itself. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "self-scheduling",
    responses((status = 200, body = Waiting)),
    security(("bearer" = [])),
)]
#[get("/self-scheduling/waiting")]
pub async fn waiting(
    state: web::Data<AppState>,
    _caller: Office,
) -> Result<web::Json<Waiting>, AppError> {
    let rows = state.db(self_scheduling::waiting).await?;
    Ok(web::Json(Waiting {
        count: rows.len(),
        orders: rows
            .into_iter()
            .map(|(id, at)| WaitingOrder {
                work_order_id: id.into_string(),
                invited_at: at,
            })
            .collect(),
    }))
}

/// Send the customer a link to choose their visit time.
///
/// For an order in `scheduling`: queues the SMS or e-mail with the link (a reminder, or the first for this order) and returns the link; 409 in any other state. Roles: owner, administrator.
#[utoipa::path(
    tag = "self-scheduling",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "`queued` (false when the customer cannot be reached) and the `link`"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/work-orders/{id}/choice-link")]
pub async fn send_link(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    id: Id<WorkOrderId>,
) -> Result<web::Json<serde_json::Value>, AppError> {
    let m = state.config().messaging.clone();
    Ok(web::Json(
        state
            .db_sending(move |conn, outbox| self_scheduling::send_link(conn, outbox, &m, &id))
            .await?,
    ))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(waiting).service(send_link);
}
