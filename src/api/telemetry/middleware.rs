//! One middleware around every request: it gives the request an id (the
//! caller's `X-Request-Id` when sane), logs one line inside a span that carries
//! the id, counts the request for `/metrics`, and writes the audit trail.
//!
//! Only route patterns are logged and counted, never raw paths or query strings:
//! customers' links carry their secret token in the path.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use tracing::Instrument;

use crate::api::state::AppState;
use crate::store::audit::{self, NewAuditEvent};

/// The header that carries a request's id, both ways.
pub const REQUEST_ID: &str = "x-request-id";

/// Route parameters that are secrets: never logged nor kept in the trail.
const SECRET_PARAMS: [&str; 2] = ["token", "file"];

/// Routes that change nothing worth a line in the trail (token renewal).
const NOT_AUDITED: [&str; 2] = ["/api/v1/auth/refresh", "/office/session"];

/// The request's id, in the request's extensions for anyone who needs it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    /// The caller's id when it is short and plain, else a new one.
    fn of(req: &ServiceRequest) -> RequestId {
        let given = req
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                (1..=64).contains(&v.len())
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        RequestId(given.map_or_else(|| uuid::Uuid::now_v7().simple().to_string(), str::to_owned))
    }
}

/// Who the request was answered for, put in its extensions by the extractor
/// that signed them in (for the log line and the trail).
#[derive(Debug, Clone)]
pub struct Signed {
    pub user_id: String,
}

/// Whether a request asked for a change the trail should keep.
fn audited(method: &Method, route: Option<&str>) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        && route.is_some_and(|r| !NOT_AUDITED.contains(&r))
}

/// The route's pattern with its parameters filled in, secrets left as `{token}`.
fn shown_path(pattern: &str, params: &actix_web::dev::Path<actix_web::dev::Url>) -> String {
    let mut path = pattern.to_owned();
    for (name, value) in params.iter() {
        if !SECRET_PARAMS.contains(&name) {
            path = path.replace(&format!("{{{name}}}"), value);
        }
    }
    path
}

fn header(req: &actix_web::HttpRequest, name: &str, most: usize) -> Option<String> {
    let value = req.headers().get(name)?.to_str().ok()?;
    Some(value.chars().take(most).collect())
}

/// The middleware (`App::wrap(from_fn(observe))`).
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = RequestId::of(&req);
    req.extensions_mut().insert(id.clone());
    let method = req.method().clone();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let span = tracing::info_span!("request", request_id = %id.0, %method);
    let mut res = next.call(req).instrument(span.clone()).await?;
    let request = res.request().clone();
    let pattern = request.match_pattern();
    let route = pattern.as_deref().unwrap_or("(no route)");
    let status = res.status().as_u16();
    let user_id = request
        .extensions()
        .get::<Signed>()
        .map(|s| s.user_id.clone());
    let seconds = started.elapsed().as_secs_f64();
    span.in_scope(|| {
        tracing::info!(
            target: "orderly::http",
            route,
            status,
            ms = (seconds * 1000.0).round() as u64,
            user_id = user_id.as_deref().unwrap_or(""),
            "answered"
        )
    });
    if let Some(state) = state {
        state
            .metrics
            .request(method.as_str(), route, status, seconds);
        if audited(&method, pattern.as_deref()) {
            let event = NewAuditEvent {
                request_id: id.0.clone(),
                user_id,
                method: method.to_string(),
                route: route.to_owned(),
                path: shown_path(route, request.match_info()),
                status: i32::from(status),
                address: request
                    .peer_addr()
                    .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string()),
                forwarded_for: header(&request, "x-forwarded-for", 200),
                user_agent: header(&request, "user-agent", 200),
            };
            // Written before the answer leaves; a failure is logged, not answered:
            // the change itself is already committed.
            if let Err(e) = state.db(move |conn| audit::record(conn, event)).await {
                span.in_scope(
                    || tracing::error!(error = %e, "the audit trail could not be written"),
                );
            }
        }
    }
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID), value);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_are_audited_and_token_renewal_is_not() {
        assert!(audited(&Method::POST, Some("/api/v1/customers")));
        assert!(audited(&Method::DELETE, Some("/api/v1/customers/{id}")));
        assert!(!audited(&Method::GET, Some("/api/v1/customers")));
        assert!(!audited(&Method::POST, Some("/api/v1/auth/refresh")));
        assert!(!audited(&Method::POST, None));
    }
}
