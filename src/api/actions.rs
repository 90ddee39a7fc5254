//! Plumbing of the work-order action routes: the version from `If-Match`, the
//! phone's `Idempotency-Key`, and the one unit of work every action route runs.
//! The routes themselves are plain functions in the role modules, each with its
//! role extractor; the roles an action needs are written once, in
//! `core::work_order::Action::roles`, which the flow enforces and the role
//! matrix test checks the extractors against.

use actix_web::{http::header, web, HttpRequest};
use utoipa::IntoParams;

use super::extract::{Id, Json};
use super::state::AppState;
use crate::core::ids::WorkOrderId;
use crate::error::AppError;
use crate::flow::actions::{act, ClientRequest, Request, Step};
use crate::flow::work_orders::WorkOrderDetail;
use crate::flow::Actor;

/// The headers an action route reads besides its body.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ActionHeaders {
    /// The version read, if not in the body.
    #[param(rename = "If-Match")]
    pub if_match: Option<String>,
    /// The client's id of this request: a resend answers without acting again.
    #[param(rename = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
}

/// Takes one step of an order's life for the caller. The step is allowed only
/// from the states the state machine names (409 `invalid_transition` lists the
/// allowed actions); the version read comes in the body or `If-Match` (409
/// `stale_version` when the order changed since); the step, its event and any
/// message to the customer are written together. A resend with the same
/// `Idempotency-Key` answers as the first time without acting again; the key
/// reused for another request is 422 `idempotency_key_reused`.
pub async fn take<B>(
    state: &AppState,
    actor: Actor,
    order_id: Id<WorkOrderId>,
    req: &HttpRequest,
    body: Json<B>,
    step: fn(B) -> Request,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    let client = client_id(req)?.map(|key| ClientRequest {
        key,
        body_hash: body.digest().to_owned(),
    });
    let request = step(body.into_inner()?);
    let version = if_match(req)?;
    let detail = state
        .db_sending(move |conn, outbox| {
            act(
                conn,
                outbox,
                &actor,
                &order_id,
                Step {
                    request,
                    if_match: version,
                    client,
                },
            )
        })
        .await?;
    Ok(web::Json(detail))
}

/// The version in an `If-Match` header (`3`, `"3"` or `W/"3"`), if sent.
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, AppError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    let text = text.trim_start_matches("W/").trim_matches('"');
    text.parse().map(Some).map_err(|_| AppError::BadRequest {
        field: Some("If-Match".into()),
        message: "If-Match must hold the work order's version, e.g. \"3\"".into(),
    })
}

/// The phone's own id of a request (`Idempotency-Key`), if sent: 1 to 100 characters.
pub fn client_id(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    match value.to_str().map(str::trim) {
        Ok(id) if (1..=100).contains(&id.len()) => Ok(Some(id.to_owned())),
        _ => Err(AppError::BadRequest {
            field: Some("Idempotency-Key".into()),
            message: "Idempotency-Key must be 1 to 100 visible characters".into(),
        }),
    }
}
