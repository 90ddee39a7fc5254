//! `/parts`: the catalogue of what the company keeps and fits. The owner and
//! administrators keep it; the whole office reads it.

use actix_web::{get, post, put, web, HttpResponse};

use crate::api::auth::{Dispatcher, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::ids::PartId;
use crate::core::part::{Part, PartFields};
use crate::error::AppError;
use crate::flow::parts;
use crate::flow::stock::{self, PartAt};
use crate::store::page::{Page, PageQuery};
use crate::store::parts::PartFilter;

/// List the catalogue.
///
/// Newest first, paginated; `q` finds a SKU, a name in any language or a barcode; archived parts only with `archived=true`. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    params(PageQuery, PartFilter),
    responses((status = 200, body = Page<Part>)),
    security(("bearer" = [])),
)]
#[get("/parts")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Office,
    page: Query<PageQuery>,
    filter: Query<PartFilter>,
) -> Result<web::Json<Page<Part>>, AppError> {
    let filter = filter.into_inner()?;
    let page = page.into_inner()?.check()?;
    Ok(web::Json(
        state.db(move |c| parts::list(c, &filter, &page)).await?,
    ))
}

/// Export the catalogue as CSV.
///
/// Every part, archived ones too, in the import's `parts` format (money in major units, `compatible` joined with `;`, other names as JSON, the part's id as `external_id`): `POST /import/parts` reads it back unchanged. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    responses((status = 200, content_type = "text/csv", body = String)),
    security(("bearer" = [])),
)]
#[get("/parts/export")]
pub async fn export(state: web::Data<AppState>, _caller: Office) -> Result<HttpResponse, AppError> {
    let rows = state.db(parts::catalogue_rows).await?;
    Ok(crate::api::csv::attachment(
        "parts.csv",
        crate::api::csv::to_csv(&rows),
    ))
}

/// Add a part.
///
/// Priced and costed in minor units of the company's currency; the SKU (kept in upper case) and the barcode name one part only (409 `code_taken`). Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    request_body = PartFields,
    responses(
        (status = 201, body = Part),
        (status = 409, body = ErrorBody, description = "the SKU or barcode is another part's"),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/parts")]
pub async fn add(
    state: web::Data<AppState>,
    caller: Dispatcher,
    body: Json<PartFields>,
) -> Result<HttpResponse, AppError> {
    let fields = body.into_inner()?;
    let actor = caller.actor(&state);
    let part = state.db(move |c| parts::add(c, &actor, fields)).await?;
    Ok(HttpResponse::Created().json(part))
}

/// One part.
///
/// Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path)),
    responses((status = 200, body = Part), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/parts/{id}")]
pub async fn one(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<PartId>,
) -> Result<web::Json<Part>, AppError> {
    Ok(web::Json(state.db(move |c| parts::get(c, &id)).await?))
}

/// Change a part.
///
/// Every field is replaced; `"active": false` archives it (kept on the ledger and on past orders, no longer moved). Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path)),
    request_body = PartFields,
    responses(
        (status = 200, body = Part),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the SKU or barcode is another part's"),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[put("/parts/{id}")]
pub async fn change(
    state: web::Data<AppState>,
    caller: Dispatcher,
    id: Id<PartId>,
    body: Json<PartFields>,
) -> Result<web::Json<Part>, AppError> {
    let fields = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(web::Json(
        state
            .db(move |c| parts::change(c, &actor, &id, fields))
            .await?,
    ))
}

/// Where a part is.
///
/// Its quantity on hand and minimum at every location it was ever stocked at. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path)),
    responses((status = 200, body = [PartAt]), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/parts/{id}/stock")]
pub async fn where_is(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<PartId>,
) -> Result<web::Json<Vec<PartAt>>, AppError> {
    Ok(web::Json(
        state.db(move |c| stock::part_stock(c, &id)).await?,
    ))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // The export before `/parts/{id}`, which would take "export" for an id.
    cfg.service(list)
        .service(export)
        .service(add)
        .service(one)
        .service(change)
        .service(where_is);
}
