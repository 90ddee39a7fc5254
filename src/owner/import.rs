//! Import over HTTP (owner): one file of another system's rows as the body,
//! CSV or XLSX; the same checks, report and all-or-nothing as `orderly import`.

use actix_web::{http::StatusCode, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::Owner;
use crate::api::error::ErrorBody;
use crate::api::extract::Query;
use crate::api::spreadsheet::{bad, format_of, read_sheet};
use crate::api::state::AppState;
use crate::core::import::mapping::Mapping;
use crate::core::import::{Entity, FileReport};
use crate::error::AppError;
use crate::flow::import::sheet;
use crate::flow::import::{self, check_source, Input, Options};

/// How to read the body.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The other system's name (default `import`): a second import from it updates what the first made.
    pub source: Option<String>,
    /// `true`: check and report every bad row, write nothing.
    pub dry_run: Option<bool>,
    /// `csv` or `xlsx`; by default from the Content-Type.
    pub format: Option<String>,
    /// A JSON object: field → the header it is read from, e.g. `{"name":"Client name"}`.
    pub map: Option<String>,
}

/// What an import did, file by file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Every file was (or on a dry run, would be) written.
    pub ok: bool,
    pub files: Vec<FileReport>,
}

/// Import records from a CSV or XLSX file.
///
/// Checked row by row first (a dry run writes nothing); rows that fail are named with their field. At most 50,000 rows a file; one import at a time. Roles: owner.
#[utoipa::path(
    tag = "import",
    params(("entity" = String, Path, description = "customers, sites, contacts, equipment, plans, work_orders, visits or certificates"), ImportQuery),
    request_body(content = String, description = "the file: CSV (text/csv) or XLSX", content_type = "text/csv"),
    responses(
        (status = 200, description = "written, or on a dry run, nothing wrong", body = ImportReport),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "bad rows: nothing was written", body = ImportReport),
    ),
    security(("bearer" = [])),
)]
#[post("/import/{entity}")]
pub async fn import_file(
    state: web::Data<AppState>,
    caller: Owner,
    path: web::Path<String>,
    query: Query<ImportQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner()?;
    let entity = Entity::parse(&path.into_inner()).ok_or(AppError::NotFound {
        entity: "import file kind",
    })?;
    let source = check_source(query.source.as_deref())?;
    let format = format_of(&req, query.format.as_deref())?;
    let mapping: Mapping = match query.map.as_deref() {
        Some(raw) => serde_json::from_str(raw).map_err(|e| {
            bad(
                "map",
                format!("must be a JSON object of field → header: {e}"),
            )
        })?,
        None => Mapping::new(),
    };
    let dry_run = query.dry_run.unwrap_or(false);
    let actor = caller.actor(&state);
    let input = state.input_context();
    let (files, _turn) = read_sheet(&req, payload, format, sheet::API_MAX_ROWS).await?;
    let _give_back = crate::memory::GiveBackOnDrop;
    let reports = state
        .db(move |conn| {
            let options = Options {
                source: &source,
                dry_run,
                folder: None,
            };
            let files = vec![Input {
                entity,
                sheet: files,
                mapping,
            }];
            import::run(conn, &actor, &input, files, &options, &mut |_, _, _, _| {})
        })
        .await?;
    let ok = reports.iter().all(|r| r.errors.is_empty());
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(HttpResponse::build(status).json(ImportReport {
        dry_run,
        ok,
        files: reports,
    }))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(import_file);
}
