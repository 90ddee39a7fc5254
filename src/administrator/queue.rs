//! `/scheduling-queue`: the short extract of every order waiting for a visit.

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::Dispatcher;
use crate::api::error::ErrorBody;
use crate::api::extract::Query;
use crate::api::state::AppState;
use crate::error::AppError;
use crate::flow::views::{self, QueueItem};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// How many orders, 1 to 500 (default 100): most urgent first, then the longest waiting.
    pub limit: Option<i64>,
}

/// List the orders waiting to be scheduled.
///
/// Agreed orders sent to scheduling, most urgent first, with what a booking needs: scope, duration, address, on-site contact, time wishes. Roles: owner, administrator.
#[utoipa::path(
    tag = "scheduling",
    params(QueueQuery),
    responses((status = 200, body = Vec<QueueItem>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/scheduling-queue")]
pub async fn queue(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    query: Query<QueueQuery>,
) -> Result<web::Json<Vec<QueueItem>>, AppError> {
    let limit = query.into_inner()?.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::BadRequest {
            field: Some("limit".into()),
            message: "limit must be between 1 and 500".into(),
        });
    }
    Ok(web::Json(
        state.db(move |c| views::scheduling_queue(c, limit)).await?,
    ))
}
