//! `/analytics/...`: the owner's and managers' numbers (engineers and
//! administrators never), as JSON or, with `format=csv&table=…`, one table as CSV.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;

use crate::api::auth::Manager;
use crate::api::csv;
use crate::api::extract::Query;
use crate::api::state::AppState;
use crate::error::AppError;
use crate::flow::analytics::{self as reports, *};
use crate::store::Pool;

/// Builds one report off the async executor and answers JSON or one table as CSV.
async fn respond<T, F>(
    state: &AppState,
    query: Query<AnalyticsQuery>,
    name: &'static str,
    build: F,
) -> Result<HttpResponse, AppError>
where
    T: Serialize + Tables + Send + 'static,
    F: FnOnce(&Pool, &Context, &str) -> Result<T, AppError> + Send + 'static,
{
    let q = query.into_inner()?;
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(AppError::invalid("format", "format is json or csv")),
    };
    let table = q.table.clone();
    let config = state.config();
    let pool = state.database.pool.clone();
    let report = web::block(move || {
        let cx = with(&pool, |c| Context::resolve(c, &q, &config))?;
        build(&pool, &cx, &config.currency)
    })
    .await
    .map_err(AppError::internal)??;
    if !csv {
        return Ok(HttpResponse::Ok().json(report));
    }
    let mut tables = report.tables();
    let names: Vec<&str> = tables.iter().map(|(n, _)| *n).collect();
    let at = match table.as_deref() {
        None => 0,
        Some(t) => names.iter().position(|n| *n == t).ok_or_else(|| {
            AppError::invalid("table", format!("table is one of: {}", names.join(", ")))
        })?,
    };
    let (table, rows) = tables.swap_remove(at);
    Ok(csv::attachment(
        &format!("{name}-{table}.csv"),
        csv::to_csv(&rows),
    ))
}

/// Customer dynamics: active, new, at risk, churned, lost, won back, and retention by monthly cohort.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = CustomersReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/customers")]
pub async fn customers(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "customers",
        |p: &Pool, cx: &Context, _: &str| Ok(customers_report(&customer_base(p, cx)?, cx)),
    )
    .await
}

/// Revenue of completed orders: total, orders, customers, average order value, and by month and kind.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = RevenueReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/revenue")]
pub async fn revenue(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "revenue",
        |p: &Pool, cx: &Context, currency: &str| {
            let base = customer_base(p, cx)?;
            let hours = with(p, |c| completed_hours(c, cx))?;
            Ok(revenue_report(&hours, &base, cx, currency))
        },
    )
    .await
}

/// Customer lifetime value by five models, per segment, with the most valuable customers.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = ValueReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/lifetime-value")]
pub async fn lifetime_value(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "lifetime-value",
        |p: &Pool, cx: &Context, _: &str| {
            let (base, years) = rayon::join(
                || customer_base(p, cx),
                || with(p, |c| revenue_by_year(c, cx)),
            );
            let (base, years) = (base?, years?);
            let churn = customers_report(&base, cx).dynamics.churn_rate;
            with(p, |c| value_report(c, &base, Some(&years), churn, cx))
        },
    )
    .await
}

/// RFM: recency, frequency and monetary scores, the 5×5×5 cube and its eleven groups.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = RfmReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/rfm")]
pub async fn rfm(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(&state, query, "rfm", |p: &Pool, cx: &Context, _: &str| {
        Ok(rfm_report(&customer_base(p, cx)?, cx))
    })
    .await
}

/// The funnel from reminder to agreed, scheduled and done, with conversions and median times.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = FunnelReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/funnel")]
pub async fn funnel(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "funnel",
        |p: &Pool, cx: &Context, _: &str| with(p, |c| funnel_report(c, cx)),
    )
    .await
}

/// Customer satisfaction: CSAT from visit ratings and NPS from survey answers.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = SatisfactionReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/satisfaction")]
pub async fn satisfaction(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "satisfaction",
        |p: &Pool, cx: &Context, _: &str| with(p, |c| satisfaction_report(c, cx)),
    )
    .await
}

/// When and where the work is: orders, visits and revenue by weekday and hour, city, manager, engineer.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = ActivityReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/activity")]
pub async fn activity(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "activity",
        |p: &Pool, cx: &Context, _: &str| {
            with(p, |c| {
                let hours = completed_hours(c, cx)?;
                activity_report(c, &hours, cx)
            })
        },
    )
    .await
}

/// Field quality: on-time arrival, no access, utilisation, visits a day and first-time fix.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = QualityReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/field-quality")]
pub async fn field_quality(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "field-quality",
        |p: &Pool, cx: &Context, _: &str| with(p, |c| quality_report(c, cx)),
    )
    .await
}

/// Parts used at visits: quantity, revenue, cost and margin by part, by engineer and by local month.
///
/// Over local days `from`–`to` (12 months to today by default), in the company's currency; the customer filters do not apply. CSV with `format=csv&table=parts|engineers|months`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = crate::flow::parts_analytics::PartsReport, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/parts")]
pub async fn parts(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "parts",
        |p: &Pool, cx: &Context, currency: &str| {
            with(p, |c| {
                crate::flow::parts_analytics::parts_report(c, cx, currency)
            })
        },
    )
    .await
}

/// Every report at once, as the owner's dashboard shows them, with the time each took.
///
/// Over local days `from`–`to` (12 months to today by default) with the
/// customer filters; CSV with `format=csv&table=…`. Roles: owner, manager.
#[utoipa::path(
    tag = "analytics",
    params(AnalyticsQuery),
    responses((status = 200, body = Dashboard, description = "JSON, or one table as CSV with `format=csv&table=…`")),
    security(("bearer" = [])),
)]
#[get("/analytics/dashboard")]
pub async fn dashboard(
    state: web::Data<AppState>,
    _caller: Manager,
    query: Query<AnalyticsQuery>,
) -> Result<HttpResponse, AppError> {
    respond(
        &state,
        query,
        "dashboard",
        |p: &Pool, cx: &Context, currency: &str| reports::dashboard(p, cx, currency),
    )
    .await
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(customers)
        .service(revenue)
        .service(lifetime_value)
        .service(rfm)
        .service(funnel)
        .service(satisfaction)
        .service(activity)
        .service(field_quality)
        .service(parts)
        .service(dashboard);
}
