//! `/notifications`: the outbox as administrators and the owner see it: what was
//! sent to whom, what failed and why, and a retry for a message that gave up.

use crate::core::ids::NotificationId;
use actix_web::{get, post, web};

use crate::api::auth::Dispatcher;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Query};
use crate::api::state::AppState;
use crate::core::notice::Notification;
use crate::error::AppError;
use crate::flow::notifications::{detail, retry as retry_message, NotificationDetail};
use crate::store::notifications::{self, NotificationFilter};
use crate::store::page::{Page, PageQuery};

/// List the outbox: SMS and e-mails with their delivery state.
///
/// Newest first, filtered by state, channel or customer; failures show the provider's last error. Roles: owner, administrator.
#[utoipa::path(
    tag = "notifications",
    params(PageQuery, NotificationFilter),
    responses((status = 200, description = "newest first", body = Page<Notification>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    page: Query<PageQuery>,
    filter: Query<NotificationFilter>,
) -> Result<web::Json<Page<Notification>>, AppError> {
    let page = page.into_inner()?.check()?;
    let filter = filter.into_inner()?;
    Ok(web::Json(
        state
            .db(move |c| notifications::list(c, &filter, &page))
            .await?,
    ))
}

/// Read one message of the outbox with its delivery attempts.
///
/// 404 when there is no such message. Roles: owner, administrator.
#[utoipa::path(
    tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 200, body = NotificationDetail), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/notifications/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    id: Id<NotificationId>,
) -> Result<web::Json<NotificationDetail>, AppError> {
    Ok(web::Json(state.db(move |c| detail(c, &id)).await?))
}

/// Send a failed message again.
///
/// Puts a failed or given-up message back in the outbox for the worker; 409 when it was delivered or is still waiting. Roles: owner, administrator.
#[utoipa::path(
    tag = "notifications",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "queued again with a fresh set of attempts", body = NotificationDetail),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`not_retryable`: only a failed or dead message is retried", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/notifications/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<NotificationId>,
) -> Result<web::Json<NotificationDetail>, AppError> {
    let detail = state
        .db_sending(move |conn, outbox| retry_message(conn, outbox, &caller.user_id, &id))
        .await?;
    Ok(web::Json(detail))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list).service(get).service(retry);
}
