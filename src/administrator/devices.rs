//! Devices on equipment: registered and revoked by the owner or an
//! administrator, and the webhook through which a device sends its readings,
//! signed with its own key instead of a sign-in.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::auth::{Dispatcher, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{limited_body, Id, Json, MAX_JSON_BYTES};
use crate::api::state::AppState;
use crate::core::device::{DeviceBatch, DeviceKeys, Refused};
use crate::core::ids::{DeviceId, EquipmentId};
use crate::error::{from_json_bytes, AppError};
use crate::flow::devices::{self, Device, Registered, Taken};

/// A device to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    /// "Flow meter, kitchen", "Boiler controller".
    pub name: String,
}

fn keys(state: &AppState) -> DeviceKeys {
    DeviceKeys::derive(&state.config().jwt_secret)
}

/// Register a device on a piece of equipment.
///
/// The answer carries the device's signing key, this once: the device signs each request with it (see `POST /devices/{id}/readings`). On the customer's timeline. Roles: owner, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    request_body = NewDevice,
    responses((status = 201, body = Registered), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/equipment/{id}/devices")]
pub async fn register(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<EquipmentId>,
    body: Json<NewDevice>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    let keys = keys(&state);
    let registered = state
        .db(move |c| devices::register(c, &actor, &keys, &id, &body.name))
        .await?;
    Ok(HttpResponse::Created().json(registered))
}

/// A piece's devices.
///
/// Revoked ones too, never their keys. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    responses((status = 200, body = [Device]), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/equipment/{id}/devices")]
pub async fn of_equipment(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<EquipmentId>,
) -> Result<web::Json<Vec<Device>>, AppError> {
    Ok(web::Json(
        state.db(move |c| devices::of_equipment(c, &id)).await?,
    ))
}

/// Revoke a device.
///
/// Its requests are refused (401) from now on; a device put back in service is registered anew, with a new key. On the customer's timeline. Roles: owner, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    responses((status = 200, body = Device), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/devices/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<DeviceId>,
) -> Result<web::Json<Device>, AppError> {
    let actor = caller.actor(&state);
    Ok(web::Json(
        state.db(move |c| devices::revoke(c, &actor, &id)).await?,
    ))
}

/// A device sends its readings.
///
/// Devices: signed with the device's key, no sign-in. Headers: `X-Orderly-Timestamp` (Unix seconds, within 5 minutes of the server's clock) and `X-Orderly-Signature: sha256=<hex>`, the HMAC-SHA-256 of `"{timestamp}.{body}"` under the device's key. Body: `{"readings": [{"meter_id", "value", "read_at", "kind"?}]}`, 1 to 1000 readings for meters of the device's equipment, taken whole or not at all; each is checked like an office reading (422 names `readings[i].value`). The same request sent again is refused (409 `replayed`); the same reading in a new request counts as a duplicate.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    request_body = DeviceBatch,
    responses(
        (status = 200, body = Taken),
        (status = 401, body = ErrorBody, description = "unsigned, stale, forged, or an unknown or revoked device"),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
)]
#[post("/devices/{id}/readings")]
pub async fn readings(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<Taken>, AppError> {
    let body = limited_body(&req, payload, MAX_JSON_BYTES, "a batch of readings").await?;
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let refused = |code: &'static str, message: &str| AppError::Unauthorized {
        code,
        message: message.into(),
    };
    // The signature first: an unsigned request learns nothing, not even whether the device exists.
    let id = path.into_inner();
    let signature = header("x-orderly-signature").unwrap_or_default().to_owned();
    keys(&state)
        .verify(
            &id,
            header("x-orderly-timestamp"),
            Some(&signature),
            &body,
            Utc::now(),
        )
        .map_err(|e| match e {
            Refused::Unsigned => refused(
                "unsigned",
                "sign the request: X-Orderly-Timestamp and X-Orderly-Signature: sha256=<hex>",
            ),
            Refused::Stale => refused(
                "stale_timestamp",
                "the timestamp is more than 5 minutes from the server's clock",
            ),
            Refused::Forged => refused("bad_signature", "the signature does not match"),
        })?;
    let id: DeviceId = crate::core::ids::typed(&id, "id")
        .map_err(|_| refused("device_unknown", "this device is not registered"))?;
    let batch: DeviceBatch = from_json_bytes(&body)?;
    let actor = state.device_actor();
    Ok(web::Json(
        state
            .db(move |c| devices::ingest(c, &actor, &id, &signature, &batch))
            .await?,
    ))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(of_equipment)
        .service(revoke)
        .service(readings);
}
