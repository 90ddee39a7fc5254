//! Engineers' calendars: the visits of a period, and the secret iCalendar feed a
//! phone subscribes to. An engineer sees and manages only its own; the office any.

use crate::core::ids::UserId;
use actix_web::{delete, get, post, web, HttpResponse};
use base64::Engine;
use chrono::{Days, NaiveDate};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::AnyStaff;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Query};
use crate::api::state::AppState;
use crate::core::calendar::day_bounds;
use crate::core::role::Role;
use crate::error::AppError;
use crate::flow::route_day;
use crate::routing::ical::FeedVisit;
use crate::store::{engineers, now, users, utc};

/// The period asked for: company days, `to` included, at most 92 days.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Whose calendar: the caller's own, or (for the office) any engineer's.
fn whose(caller: &AnyStaff, id: Id<UserId>) -> Result<UserId, AppError> {
    let id = id.into_inner();
    if caller.roles.iter().any(|r| r.is_office()) || id == caller.user_id {
        Ok(id)
    } else {
        Err(AppError::NotFound { entity: "engineer" })
    }
}

/// An engineer's visits as an iCalendar feed.
///
/// Engineers reach their own only (another engineer is not found, 404); office staff reach anyone's. Roles: owner, manager, administrator, engineer.
#[utoipa::path(
    tag = "planning",
    params(("id" = String, Path), Period),
    responses((status = 200, body = Vec<FeedVisit>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/engineers/{id}/calendar")]
pub async fn calendar(
    state: web::Data<AppState>,
    caller: AnyStaff,
    id: Id<UserId>,
    period: Query<Period>,
) -> Result<web::Json<Vec<FeedVisit>>, AppError> {
    let id = whose(&caller, id)?;
    let Period { from, to } = period.into_inner()?;
    if to < from {
        return Err(AppError::invalid("to", "is before from"));
    }
    if (to - from).num_days() > 92 {
        return Err(AppError::invalid("to", "at most 92 days after from"));
    }
    let tz = state.config().timezone;
    let (start, _) = day_bounds(from, tz);
    let (_, end) = day_bounds(to, tz);
    Ok(web::Json(
        state
            .db(move |c| {
                users::find(c, &id)?.ok_or(AppError::NotFound { entity: "engineer" })?;
                route_day::calendar(c, &id, utc(start), utc(end))
            })
            .await?,
    ))
}

/// The feed's address; shown once, as only its hash is kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedAddress {
    pub url: String,
}

/// SHA-256 of a feed secret, as stored.
pub fn feed_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Make a private calendar-feed link.
///
/// A signed link a phone's calendar app can subscribe to without signing in; a new link replaces the old one. Roles: owner, manager, administrator, engineer.
#[utoipa::path(
    tag = "planning",
    params(("id" = String, Path)),
    responses((status = 201, description = "a new address; any earlier one stops working", body = FeedAddress), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/engineers/{id}/calendar-feed")]
pub async fn new_feed(
    state: web::Data<AppState>,
    caller: AnyStaff,
    id: Id<UserId>,
) -> Result<HttpResponse, AppError> {
    let id = whose(&caller, id)?;
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
    let hash = feed_hash(&token);
    state
        .db(move |c| {
            let user = users::find(c, &id)?.ok_or(AppError::NotFound { entity: "engineer" })?;
            if !user.roles()?.contains(&Role::Engineer) {
                return Err(AppError::NotFound { entity: "engineer" });
            }
            engineers::set_feed(c, &id, &hash, now())
        })
        .await?;
    let url = format!(
        "{}/calendar/{token}.ics",
        state.config().messaging.public_url
    );
    Ok(HttpResponse::Created().json(FeedAddress { url }))
}

/// Revoke the calendar-feed link.
///
/// The link stops working at once. Roles: owner, manager, administrator, engineer.
#[utoipa::path(
    tag = "planning",
    params(("id" = String, Path)),
    responses((status = 204, description = "the address no longer works"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[delete("/engineers/{id}/calendar-feed")]
pub async fn revoke_feed(
    state: web::Data<AppState>,
    caller: AnyStaff,
    id: Id<UserId>,
) -> Result<HttpResponse, AppError> {
    let id = whose(&caller, id)?;
    if state.db(move |c| engineers::revoke_feed(c, &id)).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(AppError::NotFound {
            entity: "calendar feed",
        })
    }
}

/// Days of the feed: a month back, three ahead.
const FEED_PAST_DAYS: u64 = 31;
const FEED_AHEAD_DAYS: u64 = 92;

/// `GET /calendar/{token}.ics`: the feed itself, for the phone (no login; the
/// address is the secret). An unknown or revoked address is a 404.
#[get("/calendar/{file}")]
pub async fn feed(
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = file
        .strip_suffix(".ics")
        .filter(|t| !t.is_empty() && t.len() <= 64)
        .ok_or(AppError::NotFound { entity: "calendar" })?;
    let hash = feed_hash(token);
    let tz = state.config().timezone;
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let from = today
        .checked_sub_days(Days::new(FEED_PAST_DAYS))
        .unwrap_or(today);
    let to = today
        .checked_add_days(Days::new(FEED_AHEAD_DAYS))
        .unwrap_or(today);
    let (name, visits) = state
        .db(move |c| {
            let id = engineers::feed_owner(c, &hash)?
                .ok_or(AppError::NotFound { entity: "calendar" })?;
            let user = users::find(c, &id)?
                .filter(|u| u.active)
                .ok_or(AppError::NotFound { entity: "calendar" })?;
            let visits = route_day::calendar(
                c,
                &id,
                utc(day_bounds(from, tz).0),
                utc(day_bounds(to, tz).1),
            )?;
            Ok((user.name, visits))
        })
        .await?;
    let body = crate::routing::ical::feed(&format!("Orderly: {name}"), &visits, chrono::Utc::now());
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Cache-Control", "private, no-cache"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(body))
}

/// Registers the API routes (the feed itself is a page, outside `/api/v1`).
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(calendar).service(new_feed).service(revoke_feed);
}
