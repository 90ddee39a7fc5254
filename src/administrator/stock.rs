//! `/stock-locations` and `/stock/…`: warehouses and vans, what each holds,
//! and the actions that move stock (a receipt, a transfer, a correction, a
//! count). The owner and administrators move stock; the office reads it.

use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::{Dispatcher, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::ids::{LocationId, PartId};
use crate::core::stock::{Location, LocationFields, Movement};
use crate::error::AppError;
use crate::flow::stock::{
    self, Adjustment, Count, Minimum, Moved, PurchaseLine, Receipt, StockLine, Transfer,
};
use crate::store::page::{Page, PageQuery};

/// Every location.
///
/// Warehouses first, then vans, by name. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    responses((status = 200, body = [Location])),
    security(("bearer" = [])),
)]
#[get("/stock-locations")]
pub async fn locations(
    state: web::Data<AppState>,
    _caller: Office,
) -> Result<web::Json<Vec<Location>>, AppError> {
    Ok(web::Json(state.db(stock::locations).await?))
}

/// Set up a location.
///
/// A `warehouse`, or a `van` with its `engineer_id` (an active engineer, one van each: 409 `van_exists`). `allow_negative` lets its stock go below zero. Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    request_body = LocationFields,
    responses(
        (status = 201, body = Location),
        (status = 409, body = ErrorBody, description = "the engineer already has a van"),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/stock-locations")]
pub async fn add_location(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    body: Json<LocationFields>,
) -> Result<HttpResponse, AppError> {
    let fields = body.into_inner()?;
    let location = state.db(move |c| stock::add_location(c, fields)).await?;
    Ok(HttpResponse::Created().json(location))
}

/// Change a location.
///
/// Every field is replaced; the kind stays (422 `kind`); a van may be handed to another engineer; `"active": false` archives it. Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path)),
    request_body = LocationFields,
    responses(
        (status = 200, body = Location),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the engineer already has a van"),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[put("/stock-locations/{id}")]
pub async fn change_location(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    id: Id<LocationId>,
    body: Json<LocationFields>,
) -> Result<web::Json<Location>, AppError> {
    let fields = body.into_inner()?;
    Ok(web::Json(
        state
            .db(move |c| stock::change_location(c, &id, fields))
            .await?,
    ))
}

/// Which of a location's stock to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StockFilter {
    /// Only the parts below their minimum here.
    #[serde(default)]
    pub low: bool,
}

/// What a location holds.
///
/// Each part ever stocked there with its quantity on hand and minimum, paginated; `low=true` for those below their minimum. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path), PageQuery, StockFilter),
    responses((status = 200, body = Page<StockLine>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/stock-locations/{id}/stock")]
pub async fn stock_at(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<LocationId>,
    page: Query<PageQuery>,
    filter: Query<StockFilter>,
) -> Result<web::Json<Page<StockLine>>, AppError> {
    let low = filter.into_inner()?.low;
    let page = page.into_inner()?.check()?;
    Ok(web::Json(
        state
            .db(move |c| stock::stock_at(c, &id, low, &page))
            .await?,
    ))
}

/// A location's ledger.
///
/// Every movement in or out, newest first, paginated, with who made it. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Page<Movement>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/stock-locations/{id}/movements")]
pub async fn movements_at(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<LocationId>,
    page: Query<PageQuery>,
) -> Result<web::Json<Page<Movement>>, AppError> {
    let page = page.into_inner()?.check()?;
    Ok(web::Json(
        state
            .db(move |c| stock::movements_at(c, &id, &page))
            .await?,
    ))
}

/// A part's ledger.
///
/// Every movement of the part at every location, newest first, paginated. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Page<Movement>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/parts/{id}/movements")]
pub async fn movements_of_part(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<PartId>,
    page: Query<PageQuery>,
) -> Result<web::Json<Page<Movement>>, AppError> {
    let page = page.into_inner()?.check()?;
    Ok(web::Json(
        state
            .db(move |c| stock::movements_of_part(c, &id, &page))
            .await?,
    ))
}

/// Set a part's minimum at a location.
///
/// Below it the part runs low there; `null` clears it. Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path)),
    request_body = Minimum,
    responses(
        (status = 200, body = StockLine),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/stock-locations/{id}/minimums")]
pub async fn set_minimum(
    state: web::Data<AppState>,
    _caller: Dispatcher,
    id: Id<LocationId>,
    body: Json<Minimum>,
) -> Result<web::Json<StockLine>, AppError> {
    let minimum = body.into_inner()?;
    Ok(web::Json(
        state
            .db(move |c| stock::set_minimum(c, &id, minimum))
            .await?,
    ))
}

/// The answer of an action that moves stock.
fn moved(result: Moved) -> HttpResponse {
    HttpResponse::Created().json(result)
}

/// Goods received.
///
/// Each line's quantity (more than zero, at most three decimals) added at the location; one ledger row each. Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    request_body = Receipt,
    responses((status = 201, body = Moved), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/stock/receipts")]
pub async fn receive(
    state: web::Data<AppState>,
    caller: Dispatcher,
    body: Json<Receipt>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(moved(
        state.db(move |c| stock::receive(c, &actor, body)).await?,
    ))
}

/// Move stock between locations.
///
/// All lines or none: a line that would take the source below zero (where not allowed) is a 409 `insufficient_stock` with what it holds, and nothing moves. Two rows per line, sharing the batch. Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    request_body = Transfer,
    responses(
        (status = 201, body = Moved),
        (status = 409, body = ErrorBody, description = "not enough at the source"),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/stock/transfers")]
pub async fn transfer(
    state: web::Data<AppState>,
    caller: Dispatcher,
    body: Json<Transfer>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(moved(
        state.db(move |c| stock::transfer(c, &actor, body)).await?,
    ))
}

/// Take back parts from a visit.
///
/// Parts a visit was issued that came back (taken out again, refused): `return` rows with the order's id at the location they go back to, each line at most what the order's visits were issued and kept (422 naming the line). Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    request_body = crate::flow::stock::Return,
    responses((status = 201, body = Moved), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/stock/returns")]
pub async fn return_from_visit(
    state: web::Data<AppState>,
    caller: Dispatcher,
    body: Json<crate::flow::stock::Return>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(moved(
        state
            .db(move |c| stock::return_from_visit(c, &actor, body))
            .await?,
    ))
}

/// Correct stock.
///
/// Signed quantities with a required `reason` (broken, lost, found); below zero only where allowed (409 `insufficient_stock`). Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    request_body = Adjustment,
    responses(
        (status = 201, body = Moved),
        (status = 409, body = ErrorBody, description = "not enough to take away"),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/stock/adjustments")]
pub async fn adjust(
    state: web::Data<AppState>,
    caller: Dispatcher,
    body: Json<Adjustment>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(moved(
        state.db(move |c| stock::adjust(c, &actor, body)).await?,
    ))
}

/// Record a stock count.
///
/// Each listed part is set to what was counted; its row records the difference (zero when it matched). Parts not listed are left as they are. Roles: owner, administrator.
#[utoipa::path(
    tag = "stock",
    request_body = Count,
    responses((status = 201, body = Moved), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/stock/counts")]
pub async fn count(
    state: web::Data<AppState>,
    caller: Dispatcher,
    body: Json<Count>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(moved(
        state.db(move |c| stock::count(c, &actor, body)).await?,
    ))
}

/// What runs low.
///
/// One alert per part and location while it runs low (less available than its minimum, or less on hand than agreed orders hold), oldest first, with what to order; opened and closed by the movement, reservation or minimum that changed it. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    responses((status = 200, body = [crate::flow::stock_alerts::StockAlert])),
    security(("bearer" = [])),
)]
#[get("/stock/alerts")]
pub async fn alerts(
    state: web::Data<AppState>,
    _caller: Office,
) -> Result<web::Json<Vec<crate::flow::stock_alerts::StockAlert>>, AppError> {
    Ok(web::Json(
        state.db(crate::flow::stock_alerts::open_alerts).await?,
    ))
}

/// How a purchase list is answered.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PurchaseFormat {
    /// `csv` for a spreadsheet to send to a supplier; JSON otherwise.
    pub format: Option<String>,
}

/// A location's purchase list.
///
/// Every active part that runs low there (less free than its minimum, or less on hand than agreed orders hold), with what keeps those promises and brings it back to the minimum, and its cost; as JSON, or CSV with `format=csv`. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "stock",
    params(("id" = String, Path), PurchaseFormat),
    responses(
        (status = 200, content((Vec<PurchaseLine> = "application/json"), (String = "text/csv"))),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`format` is neither json nor csv", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[get("/stock-locations/{id}/purchase-list")]
pub async fn purchase_list(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<LocationId>,
    format: Query<PurchaseFormat>,
) -> Result<HttpResponse, AppError> {
    let csv = match format.into_inner()?.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(AppError::invalid("format", "must be json or csv")),
    };
    let lines = state.db(move |c| stock::purchase_list(c, &id)).await?;
    Ok(if csv {
        let rows: Vec<serde_json::Value> = lines
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()
            .map_err(|e| AppError::internal(e.to_string()))?;
        crate::api::csv::attachment("purchase-list.csv", crate::api::csv::to_csv(&rows))
    } else {
        HttpResponse::Ok().json(lines)
    })
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(locations)
        .service(add_location)
        .service(change_location)
        .service(stock_at)
        .service(movements_at)
        .service(movements_of_part)
        .service(set_minimum)
        .service(purchase_list)
        .service(alerts)
        .service(receive)
        .service(transfer)
        .service(adjust)
        .service(return_from_visit)
        .service(count);
}
