//! The company's data out (`/export`, owner), one customer's data on request
//! (`/customers/{id}/data`, owner and managers) and the erasure of a customer's
//! personal data (`/customers/{id}/erase`, owner).

use crate::core::ids::CustomerId;
use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::{Manager, Owner};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::error::AppError;
use crate::flow::erasure::{self, ErasureRequest};
use crate::flow::export::{self, Format, TableCount, TableWriter};
use crate::store::erasure::Erased;
use crate::store::export::table;

/// The tables an export holds.
#[derive(Serialize, ToSchema)]
pub struct ExportManifest {
    pub tables: Vec<TableCount>,
}

/// List the tables that can be exported.
///
/// With their row counts. Roles: owner.
#[utoipa::path(
    tag = "export",
    responses((status = 200, body = ExportManifest), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/export")]
pub async fn tables(
    state: web::Data<AppState>,
    _caller: Owner,
) -> Result<web::Json<ExportManifest>, AppError> {
    let tables = state.db(export::manifest).await?;
    Ok(web::Json(ExportManifest { tables }))
}

/// `?format=csv|json`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `csv` (default) or `json`.
    pub format: Option<String>,
}

/// Export one table, as CSV or JSON.
///
/// Every row, streamed; secrets (password hashes, tokens) are never exported. Roles: owner.
#[utoipa::path(
    tag = "export",
    params(("table" = String, Path), FormatQuery),
    responses(
        (status = 200, description = "every row of the table, streamed", content_type = "text/csv"),
        (status = 403, body = ErrorBody),
        (status = 404, description = "not an exported table", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[get("/export/{table}")]
pub async fn table_rows(
    state: web::Data<AppState>,
    _caller: Owner,
    name: web::Path<String>,
    query: Query<FormatQuery>,
) -> Result<HttpResponse, AppError> {
    let format = match query.into_inner()?.format {
        Some(f) => Format::parse(&f)?,
        None => Format::Csv,
    };
    let table = table(&name).ok_or(AppError::NotFound { entity: "table" })?;
    let writer = state
        .db(move |c| TableWriter::open(c, table, format))
        .await?;
    let state = state.into_inner();
    let pages = futures_util::stream::try_unfold(writer, move |mut writer| {
        let state = state.clone();
        async move {
            let chunk = state
                .db(move |c| writer.next_chunk(c).map(|chunk| (chunk, writer)))
                .await?;
            Ok::<_, AppError>(match chunk {
                (Some(text), writer) => Some((web::Bytes::from(text), writer)),
                (None, _) => None,
            })
        }
    });
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}.{}\"",
                table.name,
                format.extension()
            ),
        ))
        .streaming(pages))
}

/// Everything kept about one customer (a subject access request).
///
/// As one JSON document. Roles: owner, manager.
#[utoipa::path(
    tag = "export",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "every record kept about the customer, table by table", body = Object),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[get("/customers/{id}/data")]
pub async fn customer_data(
    state: web::Data<AppState>,
    _caller: Manager,
    id: Id<CustomerId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let file = format!("attachment; filename=\"customer-{id}.json\"");
    let doc = state.db(move |c| export::customer_data(c, &id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_DISPOSITION, file))
        .json(doc))
}

/// Erase a customer's personal data.
///
/// Names, contacts and addresses are replaced; orders and money figures stay, anonymous. Cannot be undone. Roles: owner.
#[utoipa::path(
    tag = "export",
    params(("id" = String, Path)),
    request_body = ErasureRequest,
    responses(
        (status = 200, description = "what was erased", body = Erased),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "an order of the customer is in progress", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/customers/{id}/erase")]
pub async fn erase(
    state: web::Data<AppState>,
    caller: Owner,
    id: Id<CustomerId>,
    body: Json<ErasureRequest>,
) -> Result<web::Json<Erased>, AppError> {
    let reason = body.into_inner()?.check()?;
    let id = id.into_inner();
    let actor = caller.user_id.clone();
    let erased = state
        .db(move |c| erasure::erase(c, &id, &actor, &reason))
        .await?;
    // After the commit: a file left behind by a failure here is unreachable,
    // and logged for the operator to remove.
    let files = state.files.clone();
    let keys = erased.files.clone();
    web::block(move || {
        for key in keys {
            if let Err(e) = files.delete(&key) {
                tracing::error!(error = %e, %key, "an erased customer's file could not be deleted");
            }
        }
    })
    .await
    .map_err(AppError::internal)?;
    Ok(web::Json(erased))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(tables)
        .service(table_rows)
        .service(customer_data)
        .service(erase);
}
