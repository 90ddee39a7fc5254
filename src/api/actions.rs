//! Plumbing of the work-order action routes: the version from `If-Match`, and a
//! macro that writes one route per action with its role and body.

use actix_web::{http::header, HttpRequest};

use crate::error::AppError;

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

/// One `POST /work-orders/{id}/actions/<action>` route: who may call it (the
/// extractor), its body, and the flow request it becomes. The calling module
/// imports `actix_web::post` (utoipa recognises the route by that attribute).
#[macro_export]
macro_rules! work_order_action {
    ($(#[$doc:meta])* $name:ident, $path:tt, $caller:ty, $variant:ident, $body:ty) => {
        $(#[$doc])*
        ///
        /// One step of the order's life, allowed only from the states the state
        /// machine names (409 `invalid_transition` lists the allowed actions). The
        /// version read goes in the body or `If-Match` (409 `stale_version` when the
        /// order changed since); the step, its event and any message to the customer
        /// are written together. A resend with the same `Idempotency-Key` answers
        /// as the first time without acting again; the key reused for another
        /// request is 422 `idempotency_key_reused`.
        #[utoipa::path(
            tag = "work-orders",
            params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "the version read, if not in the body"),
                   ("Idempotency-Key" = Option<String>, Header, description = "the client's id of this request: a resend answers without acting again")),
            request_body = $body,
            responses(
                (status = 200, body = $crate::flow::work_orders::WorkOrderDetail),
                (status = 400, body = $crate::api::error::ErrorBody),
                (status = 403, body = $crate::api::error::ErrorBody),
                (status = 404, body = $crate::api::error::ErrorBody),
                (status = 409, description = "`invalid_transition`, `stale_version` or `engineer_busy`", body = $crate::api::error::ErrorBody),
                (status = 422, body = $crate::api::error::ErrorBody),
            ),
            security(("bearer" = [])),
        )]
        #[post($path)]
        pub async fn $name(
            state: actix_web::web::Data<$crate::api::state::AppState>,
            caller: $caller,
            id: actix_web::web::Path<String>,
            req: actix_web::HttpRequest,
            body: $crate::api::extract::Json<$body>,
        ) -> Result<actix_web::web::Json<$crate::flow::work_orders::WorkOrderDetail>, $crate::error::AppError> {
            let client = $crate::api::actions::client_id(&req)?.map(|key| {
                $crate::flow::actions::ClientRequest { key, body_hash: body.digest().to_owned() }
            });
            let request = $crate::flow::actions::Request::$variant(body.into_inner()?);
            let version = $crate::api::actions::if_match(&req)?;
            let actor = caller.actor(&state);
            let detail = state
                .db(move |conn| {
                    $crate::flow::actions::act(conn, &actor, &id, request, version, client)
                })
                .await?;
            Ok(actix_web::web::Json(detail))
        }
    };
}
