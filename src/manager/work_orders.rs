//! `/work-orders`: opening orders, and reading them.

use crate::core::ids::WorkOrderId;
use actix_web::{get, post, web, HttpResponse};

use crate::api::auth::{Manager, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::calendar::day_bounds;
use crate::core::work_order::{WorkOrder, WorkOrderDraft};
use crate::error::AppError;
use crate::flow::work_orders::{self, WorkOrderDetail};
use crate::store::page::{Page, PageQuery};
use crate::store::work_orders::{self as store, WorkOrderFilter};

/// Open a work order.
///
/// For a customer's site with its scope lines, in the company's currency; other currencies are refused (422). Roles: owner, manager.
#[utoipa::path(
    tag = "work-orders",
    request_body = WorkOrderDraft,
    responses((status = 201, body = WorkOrderDetail), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/work-orders")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Manager,
    body: Json<WorkOrderDraft>,
) -> Result<HttpResponse, AppError> {
    let draft = body.into_inner()?;
    let actor = caller.actor(&state);
    let detail = state
        .db(move |c| work_orders::create(c, &actor, draft, None))
        .await?;
    Ok(HttpResponse::Created().json(detail))
}

/// List work orders.
///
/// Newest first, filtered by status, customer, engineer or day. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(PageQuery, WorkOrderFilter),
    responses((status = 200, body = Page<WorkOrder>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/work-orders")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Office,
    page: Query<PageQuery>,
    filter: Query<WorkOrderFilter>,
) -> Result<web::Json<Page<WorkOrder>>, AppError> {
    let page = page.into_inner()?.check()?;
    let filter = filter.into_inner()?;
    let day = filter.date.map(|d| day_bounds(d, state.config().timezone));
    Ok(web::Json(
        state
            .db(move |c| store::list(c, &filter, day, &page))
            .await?,
    ))
}

/// Read a work order with its visits and the actions allowed now.
///
/// The certificate's number and hash once certified. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path)),
    responses((status = 200, body = WorkOrderDetail), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/work-orders/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    _caller: Office,
    id: Id<WorkOrderId>,
) -> Result<web::Json<WorkOrderDetail>, AppError> {
    Ok(web::Json(
        state.db(move |c| work_orders::find_detail(c, &id)).await?,
    ))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create).service(list).service(read);
}
