//! Equipment stickers from the office: sheets of QR labels to print (for a
//! customer's equipment or a chosen few), withdrawing one that was lost or
//! misused, and reading what a customer sent from a sticker.

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::Office;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::ids::{typed, CustomerId, EquipmentId, ReminderId};
use crate::core::media::sniff;
use crate::error::AppError;
use crate::flow::stickers::{self, Selection, ServiceRequest};

/// Which stickers to print: a customer's equipment, or the pieces named.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintStickers {
    /// Every piece still on this customer's sites (not removed, not archived).
    #[serde(default)]
    pub customer_id: Option<String>,
    /// These pieces, in this order (at most 240).
    #[serde(default)]
    pub equipment_ids: Option<Vec<String>>,
    /// Labels already used on the first sheet (0 to 23): printing starts after them.
    #[serde(default)]
    pub skip: Option<usize>,
}

/// Where to start on the first sheet.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetStart {
    /// Labels already used on the first sheet (0 to 23).
    pub skip: Option<usize>,
}

/// The sheets as a PDF download.
async fn pdf(
    state: &AppState,
    selection: Selection,
    skip: usize,
) -> Result<HttpResponse, AppError> {
    let m = state.config().messaging.clone();
    let sheet = state
        .db(move |c| stickers::sheet(c, &m, &selection, skip))
        .await?;
    let bytes = web::block(move || crate::stickers::render(&sheet))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"stickers.pdf\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

/// Print equipment stickers (PDF).
///
/// A4 sheets of 3 × 8 labels (70 × 37 mm): the company's name and phone, the equipment's kind, model and serial number, and a QR code that opens the piece's page without a login. Name a `customer_id` or `equipment_ids`, not both. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    request_body = PrintStickers,
    responses(
        (status = 200, description = "the sheets", content_type = "application/pdf"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/stickers")]
pub async fn print(
    state: web::Data<AppState>,
    _caller: Office,
    body: Json<PrintStickers>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let selection = match (body.customer_id, body.equipment_ids) {
        (Some(c), None) => Selection::Customer(typed(&c, "customer_id")?),
        (None, Some(ids)) => Selection::Equipment(
            ids.iter()
                .enumerate()
                .map(|(i, id)| typed::<EquipmentId>(id, &format!("equipment_ids[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        _ => {
            return Err(AppError::invalid(
                "customer_id",
                "name either customer_id or equipment_ids",
            ))
        }
    };
    pdf(&state, selection, body.skip.unwrap_or(0)).await
}

/// Print a customer's equipment stickers (PDF).
///
/// The same sheets as `POST /stickers` for every piece still on the customer's sites; a plain link the office can open. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path), SheetStart),
    responses(
        (status = 200, description = "the sheets", content_type = "application/pdf"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[get("/customers/{id}/stickers")]
pub async fn print_for_customer(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<CustomerId>,
    start: Query<SheetStart>,
) -> Result<HttpResponse, AppError> {
    let skip = start.into_inner()?.skip.unwrap_or(0);
    pdf(&state, Selection::Customer(id.into_inner()), skip).await
}

/// Print one piece's sticker (PDF).
///
/// One label on the sheet, at position `skip` (0 to 23) so a part-used sheet can go back in the printer. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path), SheetStart),
    responses(
        (status = 200, description = "the sheet", content_type = "application/pdf"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[get("/equipment/{id}/sticker")]
pub async fn print_one(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<EquipmentId>,
    start: Query<SheetStart>,
) -> Result<HttpResponse, AppError> {
    let skip = start.into_inner()?.skip.unwrap_or(0);
    pdf(&state, Selection::Equipment(vec![id.into_inner()]), skip).await
}

/// Withdraw a piece's sticker.
///
/// The printed code stops opening the piece's page: scanning it shows only the company's phone (410). The next print carries a new code. On the customer's timeline. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    responses((status = 204, description = "withdrawn"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[delete("/equipment/{id}/sticker")]
pub async fn withdraw(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<EquipmentId>,
) -> Result<HttpResponse, AppError> {
    let actor = caller.actor(&state);
    state
        .db(move |c| stickers::withdraw(c, &actor, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What a customer sent from a sticker.
///
/// The words, the phone to call back and whether a photo came, for a `service_request` reminder; 404 for any other reminder. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "reminders",
    params(("id" = String, Path)),
    responses((status = 200, body = ServiceRequest), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/reminders/{id}/service-request")]
pub async fn service_request(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<ReminderId>,
) -> Result<web::Json<ServiceRequest>, AppError> {
    Ok(web::Json(
        state
            .db(move |c| stickers::view_of_reminder(c, &id))
            .await?,
    ))
}

/// The photo a customer sent from a sticker.
///
/// JPEG or PNG as kept (at most 1600 px a side). Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "reminders",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "the image", content_type = "image/jpeg"),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[get("/reminders/{id}/photo")]
pub async fn photo(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<ReminderId>,
) -> Result<HttpResponse, AppError> {
    let files = state.files.clone();
    let none = || AppError::NotFound { entity: "photo" };
    let bytes = state
        .db(move |c| {
            let key = stickers::of_reminder(c, &id)?.photo_key.ok_or_else(none)?;
            files.get(&key)?.ok_or_else(none)
        })
        .await?;
    let content_type = sniff(&bytes).ok_or_else(none)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(print)
        .service(print_for_customer)
        .service(print_one)
        .service(withdraw)
        .service(service_request)
        .service(photo);
}
