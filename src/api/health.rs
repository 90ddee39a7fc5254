//! `/health`: is the server up, and can it reach its database?

use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use super::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
}

/// Is the server up, and which database does it use?
///
/// Answers 200 with the backend's name while the database answers. Public: no sign-in needed.
#[utoipa::path(
    tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)),
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let ok = state
        .db(|conn| conn.batch_execute("SELECT 1").map_err(Into::into))
        .await
        .is_ok();
    let database = state.database.backend.name();
    if ok {
        HttpResponse::Ok().json(Health {
            status: "ok",
            database,
        })
    } else {
        HttpResponse::ServiceUnavailable().json(Health {
            status: "unavailable",
            database,
        })
    }
}
