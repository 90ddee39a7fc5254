//! Liveness, readiness and metrics for the load balancer and Prometheus.
//!
//! `/live` says the process answers (restart it if not); `/ready` says it can
//! serve (send it traffic): the database answers and its schema is this
//! binary's. `/metrics` needs `Authorization: Bearer <ORDERLY_METRICS_TOKEN>`
//! when that is set.

use actix_web::{get, http::header, web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::api::state::AppState;
use crate::error::AppError;
use crate::metrics::{CONTENT_TYPE, OUTBOX_STATES};
use crate::store::{self, DbConnection};

/// The process is up.
#[get("/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The instance can serve: 200, or 503 with the reason.
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let checked = state
        .db(|conn| store::pending_migrations(conn).map_err(AppError::internal))
        .await;
    match checked {
        Ok(0) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Ok(n) => HttpResponse::ServiceUnavailable()
            .json(json!({"status": "unavailable", "reason": format!("{n} migrations not run")})),
        Err(e) => {
            tracing::warn!(error = ?e, "not ready: the database does not answer");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "reason": "the database does not answer"}))
        }
    }
}

/// Messages per outbox state worth watching.
fn outbox_counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, AppError> {
    use crate::store::schema::notifications::dsl::*;
    use diesel::prelude::*;
    Ok(notifications
        .filter(status.eq_any(OUTBOX_STATES))
        .group_by(status)
        .select((status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// The metrics, with the outbox and pool gauges read now.
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Some(token) = &state.config().metrics_token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given != Some(token.as_str()) {
            return HttpResponse::Unauthorized()
                .json(json!({"error": {"code": "unauthorized", "message": "send `Authorization: Bearer <ORDERLY_METRICS_TOKEN>`"}}));
        }
    }
    match state.db(outbox_counts).await {
        Ok(counts) => state.metrics.outbox(&counts),
        Err(e) => tracing::warn!(error = %e, "metrics: the outbox could not be counted"),
    }
    let pool = state.database.pool.state();
    state.metrics.pool(
        pool.idle_connections,
        pool.connections,
        state.database.pool.max_size(),
    );
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, CONTENT_TYPE))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(state.metrics.render())
}

/// Registers the probes and `/metrics` (outside `/api/v1`: they are for machines).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(live).service(ready).service(metrics);
}
