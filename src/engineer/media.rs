//! The engineer's photos and the customer's signature: the image's bytes as the
//! body, checked by content; `Idempotency-Key` makes a resend harmless.

use crate::core::ids::{FileId, TypedId, VisitId};
use actix_web::{get, post, web, HttpRequest, HttpResponse};

use crate::api::actions::client_id;
use crate::api::auth::{AnyStaff, Engineer};
use crate::api::error::ErrorBody;
use crate::api::extract::{limited_body, Id};
use crate::api::state::AppState;
use crate::core::media::MediaKind;
use crate::core::visit::VisitFile;
use crate::error::AppError;
use crate::files::images;
use crate::flow::media;

/// Reads the body up to the kind's limit; a larger one is refused before it is all read.
async fn body(
    req: &HttpRequest,
    payload: web::Payload,
    kind: MediaKind,
) -> Result<Vec<u8>, AppError> {
    limited_body(
        req,
        payload,
        kind.max_bytes(),
        &format!("a {}", kind.as_str()),
    )
    .await
}

async fn add(
    state: web::Data<AppState>,
    caller: Engineer,
    id: VisitId,
    req: HttpRequest,
    payload: web::Payload,
    kind: MediaKind,
) -> Result<HttpResponse, AppError> {
    let client = client_id(&req)?;
    let bytes = body(&req, payload, kind).await?;
    let actor = caller.actor(&state);
    // Looked at first, then decoded with no database connection held (a queue
    // of large photos must not hold the pool), then stored.
    let (a, i, c) = (actor.clone(), id.clone(), client.clone());
    let (upload, bytes) = state
        .db(move |conn| {
            Ok((
                media::admit(conn, &a, &i, kind, &bytes, c.as_deref())?,
                bytes,
            ))
        })
        .await?;
    let (stored, created) = match upload {
        media::Upload::Resent(first) => (first, false),
        media::Upload::New(info) => {
            let kept = web::block(move || {
                let _give_back = crate::memory::GiveBackOnDrop;
                images::keep(kind, info, bytes)
            })
            .await
            .map_err(AppError::internal)??;
            state
                .db(move |conn| media::add(conn, &actor, &id, kind, &kept, client.as_deref()))
                .await?
        }
    };
    Ok(if created {
        HttpResponse::Created().json(stored)
    } else {
        HttpResponse::Ok().json(stored)
    })
}

/// Add a photo to one's own visit.
///
/// A JPEG or PNG up to 10 MB, checked by its content; a resend with the same Idempotency-Key is the same photo. 409 once the order is certified. Roles: engineer.
#[utoipa::path(
    tag = "visits",
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "the phone's id of this upload")),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "a JPEG or PNG photo (the phone downscales it), at most 10 MiB"),
    responses(
        (status = 201, body = VisitFile),
        (status = 200, description = "sent before with this Idempotency-Key", body = VisitFile),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`visit_closed` or `too_many_photos`", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "not an image, or the wrong size", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/my/visits/{id}/photos")]
pub async fn add_photo(
    state: web::Data<AppState>,
    caller: Engineer,
    id: Id<VisitId>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    add(
        state,
        caller,
        id.into_inner(),
        req,
        payload,
        MediaKind::Photo,
    )
    .await
}

/// Add the customer's signature to one's own visit.
///
/// A PNG drawn on the phone; a new one replaces the old until the order is certified. Roles: engineer.
#[utoipa::path(
    tag = "visits",
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "the phone's id of this upload")),
    request_body(content = Vec<u8>, content_type = "image/png", description = "the signature drawn on the screen, a PNG of at most 1 MiB"),
    responses(
        (status = 201, body = VisitFile),
        (status = 200, description = "sent before with this Idempotency-Key", body = VisitFile),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/my/visits/{id}/signature")]
pub async fn add_signature(
    state: web::Data<AppState>,
    caller: Engineer,
    id: Id<VisitId>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    add(
        state,
        caller,
        id.into_inner(),
        req,
        payload,
        MediaKind::Signature,
    )
    .await
}

/// Download a visit's photo or signature.
///
/// Engineers reach only the files of their own visits (404 otherwise). Roles: owner, manager, administrator, engineer.
#[utoipa::path(
    tag = "visits",
    params(("id" = String, Path), ("file_id" = String, Path)),
    responses((status = 200, description = "the image, as stored"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/visits/{id}/files/{file_id}")]
pub async fn download(
    state: web::Data<AppState>,
    caller: AnyStaff,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (visit_id, file_id) = path.into_inner();
    let none = || AppError::NotFound { entity: "file" };
    let visit_id = VisitId::parse(&visit_id).ok_or_else(none)?;
    let file_id = FileId::parse(&file_id).ok_or_else(none)?;
    let actor = caller.actor(&state);
    let files = state.files.clone();
    let (row, bytes) = state
        .db(move |conn| {
            let row = media::readable(conn, &actor, &visit_id, &file_id)?;
            let bytes = files.get(&row.file_key)?;
            Ok((row, bytes))
        })
        .await?;
    let bytes = bytes
        .ok_or_else(|| AppError::internal(format!("file {} is missing from the store", row.id)))?;
    Ok(HttpResponse::Ok()
        .content_type(row.content_type)
        .insert_header(("Cache-Control", "private, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(add_photo)
        .service(add_signature)
        .service(download);
}
