//! `/reminders`: the manager's inbox (administrators read it too, for the
//! `overdue_visit` and `not_certified` reminders the scheduler leaves them).

use crate::core::ids::ReminderId;
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::{Manager, Office};
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::core::reminder::Reminder;
use crate::error::AppError;
use crate::flow::reminders::{self, Convert, Dismiss, NewReminder, Snooze};
use crate::flow::work_orders::WorkOrderDetail;
use crate::store::page::Page;
use crate::store::reminders::{self as store, ReminderFilter};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxPage {
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The reminders inbox.
///
/// Open reminders due soonest first, filtered by status, kind, segment, city and due date; system reminders' notes are in the company's time zone. Roles: owner, manager, administrator.
#[utoipa::path(
    tag = "reminders",
    params(InboxPage, ReminderFilter),
    responses((status = 200, description = "due soonest first", body = Page<Reminder>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/reminders")]
pub async fn inbox(
    state: web::Data<AppState>,
    caller: Office,
    page: Query<InboxPage>,
    filter: Query<ReminderFilter>,
) -> Result<web::Json<Page<Reminder>>, AppError> {
    let page = page.into_inner()?;
    let filter = filter.into_inner()?;
    let limit = page.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::BadRequest {
            field: Some("limit".into()),
            message: "limit must be between 1 and 200".into(),
        });
    }
    let cursor = page.cursor.filter(|c| !c.is_empty());
    if cursor
        .as_deref()
        .is_some_and(|c| store::parse_cursor(c).is_none())
    {
        return Err(AppError::BadRequest {
            field: Some("cursor".into()),
            message: "cursor is not one this server gave out".into(),
        });
    }
    let actor = caller.actor(&state);
    let today = actor.today();
    let mut page = state
        .db(move |c| store::inbox(c, &filter, today, limit, cursor.as_deref()))
        .await?;
    let (tz, locale) = (actor.timezone, actor.messaging.locale);
    page.items = page
        .items
        .into_iter()
        .map(|r| r.in_words(tz, locale))
        .collect();
    Ok(web::Json(page))
}

/// Add a reminder by hand.
///
/// For a customer, with a due date and a note. Roles: owner, manager.
#[utoipa::path(
    tag = "reminders",
    request_body = NewReminder,
    responses((status = 201, body = Reminder), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/reminders")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Manager,
    body: Json<NewReminder>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    let reminder = state
        .db(move |c| reminders::create(c, &actor, body))
        .await?;
    Ok(HttpResponse::Created().json(reminder))
}

/// Turn a reminder into a work order.
///
/// Opens the order with the reminder's equipment and scope; the reminder is marked converted. Roles: owner, manager.
#[utoipa::path(
    tag = "reminders",
    params(("id" = String, Path)),
    request_body = Convert,
    responses((status = 201, body = WorkOrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/reminders/{id}/convert")]
pub async fn convert(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<ReminderId>,
    body: Json<Convert>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    let order = state
        .db(move |c| reminders::convert(c, &actor, &id, body))
        .await?;
    Ok(HttpResponse::Created().json(order))
}

/// Snooze a reminder until a date.
///
/// It comes back to the inbox on that date. Roles: owner, manager.
#[utoipa::path(
    tag = "reminders",
    params(("id" = String, Path)),
    request_body = Snooze,
    responses((status = 200, body = Reminder), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/reminders/{id}/snooze")]
pub async fn snooze(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<ReminderId>,
    body: Json<Snooze>,
) -> Result<web::Json<Reminder>, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(web::Json(
        state
            .db(move |c| reminders::snooze(c, &actor, &id, body))
            .await?,
    ))
}

/// Dismiss a reminder with a reason.
///
/// The reason is kept on the customer's timeline. Roles: owner, manager.
#[utoipa::path(
    tag = "reminders",
    params(("id" = String, Path)),
    request_body = Dismiss,
    responses((status = 200, body = Reminder), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/reminders/{id}/dismiss")]
pub async fn dismiss(
    state: web::Data<AppState>,
    caller: Manager,
    id: Id<ReminderId>,
    body: Json<Dismiss>,
) -> Result<web::Json<Reminder>, AppError> {
    let body = body.into_inner()?;
    let actor = caller.actor(&state);
    Ok(web::Json(
        state
            .db(move |c| reminders::dismiss(c, &actor, &id, body))
            .await?,
    ))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(inbox)
        .service(create)
        .service(convert)
        .service(snooze)
        .service(dismiss);
}
