//! `GET /work-orders/{id}/certificate`: the completion certificate's PDF, for
//! managers, administrators and the owner, exactly as it was issued.

use crate::api::extract::Id;
use crate::core::ids::WorkOrderId;
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use crate::api::auth::Office;
use crate::api::error::ErrorBody;
use crate::api::state::AppState;
use crate::error::AppError;
use crate::store::certificates;

/// Download the order's completion certificate (PDF).
///
/// The stored document, byte for byte as issued and hashed; 404 before certification. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "the PDF; its SHA-256 is the ETag and the order's `certificate.sha256`", content_type = "application/pdf"),
        (status = 404, description = "no such order, not certified yet, or imported without its PDF", body = ErrorBody),
        (status = 410, description = "the PDF was erased with the customer's personal data", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[get("/work-orders/{id}/certificate")]
pub async fn download(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<WorkOrderId>,
) -> Result<HttpResponse, AppError> {
    let none = || AppError::NotFound {
        entity: "certificate",
    };
    let id = id.into_inner();
    let row = state
        .db(move |conn| certificates::latest_for_order(conn, &id))
        .await?
        .ok_or_else(none)?;
    if row.file_key.is_empty() && row.sha256.is_empty() {
        // Imported from another system with its number only.
        return Err(AppError::NotFound {
            entity: "certificate PDF (imported without one)",
        });
    }
    if row.file_key.is_empty() {
        return Err(AppError::Gone {
            message: format!(
                "certificate {}'s PDF was erased with the customer's personal data; its number and the order's lines and totals remain",
                row.number
            ),
        });
    }
    let files = state.files.clone();
    let key = row.file_key.clone();
    let bytes = web::block(move || files.get(&key))
        .await
        .map_err(AppError::internal)??
        .ok_or_else(|| {
            AppError::internal(format!(
                "certificate {} is missing from the file store",
                row.number
            ))
        })?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::ETAG, format!("\"{}\"", row.sha256)))
        .insert_header((
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        ))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"certificate-{}.pdf\"", row.number),
        ))
        .body(bytes))
}

/// Registers the route.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(download);
}
