//! Meters on equipment and their readings, from the office: a meter added to
//! a piece, readings entered by hand, the history read back.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::Office;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::spreadsheet::{format_of, read_sheet};
use crate::api::state::AppState;
use crate::core::consumption::Consumption;
use crate::core::ids::{CustomerId, EquipmentId, MeterId};
use crate::core::meter::{Meter, MeterFields, NewReading, Reading, ReadingSource};
use crate::error::AppError;
use crate::flow::import::readings::{self as readings_file, ReadingsReport};
use crate::flow::import::sheet;
use crate::flow::meters;

/// Add a meter to a piece of equipment.
///
/// `kind`: litres, hours, cycles, kwh, or custom with its `unit`; `mode`: cumulative (a counter) or gauge (a level, with an optional `low`–`high` band). On the customer's timeline. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    request_body = MeterFields,
    responses(
        (status = 201, body = Meter),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the equipment is archived"),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/equipment/{id}/meters")]
pub async fn add(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<EquipmentId>,
    body: Json<MeterFields>,
) -> Result<HttpResponse, AppError> {
    let fields = body.into_inner()?;
    let actor = caller.actor(&state);
    let meter = state
        .db(move |c| meters::add(c, &actor, &id, fields))
        .await?;
    Ok(HttpResponse::Created().json(meter))
}

/// A piece's meters.
///
/// Each with its last reading and, for a counter, its daily rate from the last 120 days (the median of the rates between readings, weighted by the days they span; resets excluded). Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    responses((status = 200, body = [Meter]), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/equipment/{id}/meters")]
pub async fn of_equipment(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<EquipmentId>,
) -> Result<web::Json<Vec<Meter>>, AppError> {
    Ok(web::Json(
        state.db(move |c| meters::of_equipment(c, &id)).await?,
    ))
}

/// Record a reading.
///
/// `read_at` defaults to now and may not lie ahead of it; a counter's reading may not be below the one before it or above the one after it — a counter that started again is `kind: reset`. The same reading sent again answers 200 with the first; another value at the same moment is a 409. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    request_body = NewReading,
    responses(
        (status = 201, body = Reading),
        (status = 200, body = Reading, description = "the same reading, sent again"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/meters/{id}/readings")]
pub async fn record(
    state: web::Data<AppState>,
    caller: Office,
    id: Id<MeterId>,
    body: Json<NewReading>,
) -> Result<HttpResponse, AppError> {
    let sent = body.into_inner()?;
    let actor = caller.actor(&state);
    let (reading, created) = state
        .db(move |c| meters::record(c, &actor, &id, &sent, ReadingSource::Office))
        .await?;
    Ok(if created {
        HttpResponse::Created().json(reading)
    } else {
        HttpResponse::Ok().json(reading)
    })
}

/// How many readings to read back.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingsPage {
    /// 1 to 1000, default 100.
    pub limit: Option<i64>,
}

/// A meter's readings, newest first.
///
/// Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path), ReadingsPage),
    responses((status = 200, body = [Reading]), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/meters/{id}/readings")]
pub async fn readings(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<MeterId>,
    page: Query<ReadingsPage>,
) -> Result<web::Json<Vec<Reading>>, AppError> {
    let limit = page.into_inner()?.limit.unwrap_or(100);
    Ok(web::Json(
        state.db(move |c| meters::readings(c, &id, limit)).await?,
    ))
}

/// How to read a file of readings.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingsImportQuery {
    /// `true`: check every row and report, keep nothing.
    pub dry_run: Option<bool>,
    /// `csv` or `xlsx`; by default from the Content-Type.
    pub format: Option<String>,
}

/// Import meter readings from a CSV or XLSX file.
///
/// Columns `meter_id`, `read_at` (RFC 3339, or a moment without an offset on the company's clock), `value`, and optionally `kind` (`reading` or `reset`). Every row is checked — against the meter's stored readings too — and every bad one reported with its line; one bad row and nothing is kept. Readings Orderly has already are counted as duplicates. At most 50,000 rows. Plans counting the meters move their forecasts. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(ReadingsImportQuery),
    request_body(content = String, description = "the file: CSV (text/csv) or XLSX", content_type = "text/csv"),
    responses(
        (status = 200, description = "written, or on a dry run, nothing wrong", body = ReadingsReport),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "bad rows: nothing was kept", body = ReadingsReport),
    ),
    security(("bearer" = [])),
)]
#[post("/readings/import")]
pub async fn import_readings(
    state: web::Data<AppState>,
    caller: Office,
    query: Query<ReadingsImportQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner()?;
    let format = format_of(&req, query.format.as_deref())?;
    let dry_run = query.dry_run.unwrap_or(false);
    let actor = caller.actor(&state);
    let (sheet, _turn) = read_sheet(&req, payload, format, sheet::API_MAX_ROWS).await?;
    let _give_back = crate::memory::GiveBackOnDrop;
    let report = state
        .db(move |c| readings_file::run(c, &actor, &sheet, dry_run))
        .await?;
    Ok(if report.errors.is_empty() {
        HttpResponse::Ok().json(report)
    } else {
        HttpResponse::UnprocessableEntity().json(report)
    })
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(add)
        .service(of_equipment)
        .service(record)
        .service(readings)
        .service(import_readings)
        .service(consumption);
}

/// A customer's consumption.
///
/// Each meter with its last reading, daily rate and the units it counted in the last 30 days, the plans by use counting it with the units left and the day the readings forecast; and the counters' sums per unit (litres with litres, never across units; gauges are not summed). Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "equipment",
    params(("id" = String, Path)),
    responses((status = 200, body = Consumption), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/customers/{id}/consumption")]
pub async fn consumption(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<CustomerId>,
) -> Result<web::Json<Consumption>, AppError> {
    Ok(web::Json(
        state
            .db(move |c| crate::flow::consumption::of_customer(c, &id))
            .await?,
    ))
}
