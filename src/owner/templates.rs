//! `/notification-templates`: the owner reads and edits the words of every
//! message, per event, channel and language, and previews them with SMS length.

use actix_web::{delete, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::auth::Owner;
use crate::api::error::ErrorBody;
use crate::api::extract::Json;
use crate::api::state::AppState;
use crate::core::notice::template::{check, render, sample_values, TemplateText};
use crate::core::notice::{Locale, MessageChannel, NoticeEvent};
use crate::core::sms::{measure, SmsLength};
use crate::error::AppError;
use crate::flow::templates::{self, Key, Template};

/// A template filled with example words.
#[derive(Debug, Serialize, ToSchema)]
pub struct Preview {
    pub subject: Option<String>,
    pub body: String,
    /// For SMS: the alphabet and the number of billed parts.
    pub sms: Option<SmsLength>,
}

/// A template to preview: the given text, or the one in force when the body is empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub subject: Option<String>,
    pub body: Option<String>,
}

/// The template's words as sent in a PUT.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    /// Required for e-mail, absent for SMS.
    pub subject: Option<String>,
    pub body: String,
}

/// Reads `{event}/{channel}/{locale}`, naming the part that is wrong.
fn key(path: &(String, String, String)) -> Result<Key, AppError> {
    let bad = |field: &str, value: &str, known: Vec<&str>| AppError::BadRequest {
        field: Some(field.into()),
        message: format!("`{value}` is not one of: {}", known.join(", ")),
    };
    let event = NoticeEvent::parse(&path.0).ok_or_else(|| {
        bad(
            "event",
            &path.0,
            NoticeEvent::ALL.iter().map(|e| e.as_str()).collect(),
        )
    })?;
    let channel = MessageChannel::parse(&path.1).ok_or_else(|| {
        bad(
            "channel",
            &path.1,
            MessageChannel::ALL.iter().map(|c| c.as_str()).collect(),
        )
    })?;
    let locale = Locale::parse(&path.2).ok_or_else(|| {
        bad(
            "locale",
            &path.2,
            Locale::ALL.iter().map(|l| l.as_str()).collect(),
        )
    })?;
    Ok((event, channel, locale))
}

/// List the message templates.
///
/// The company's own and the built-in ones, per event, channel and language. Roles: owner.
#[utoipa::path(
    tag = "notifications",
    responses((status = 200, body = Vec<Template>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/notification-templates")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Owner,
) -> Result<web::Json<Vec<Template>>, AppError> {
    Ok(web::Json(state.db(templates::all).await?))
}

/// Save a message template.
///
/// Checked: only known placeholders, and an SMS's length in parts is shown. Roles: owner.
#[utoipa::path(
    tag = "notifications",
    params(("event" = String, Path), ("channel" = String, Path), ("locale" = String, Path)),
    request_body = TemplateBody,
    responses((status = 200, body = Template), (status = 400, body = ErrorBody), (status = 422, description = "an unknown `{{word}}`, an SMS with a subject, an e-mail without one", body = ErrorBody)),
    security(("bearer" = [])),
)]
#[put("/notification-templates/{event}/{channel}/{locale}")]
pub async fn save(
    state: web::Data<AppState>,
    caller: Owner,
    path: web::Path<(String, String, String)>,
    body: Json<TemplateBody>,
) -> Result<web::Json<Template>, AppError> {
    let key = key(&path)?;
    let body = body.into_inner()?;
    let text = check(
        key.0,
        key.1,
        &TemplateText {
            subject: body.subject,
            body: body.body,
        },
    )?;
    let saved = state
        .db(move |conn| templates::save(conn, &caller.user_id, key, &text))
        .await?;
    Ok(web::Json(saved))
}

/// Go back to the built-in template.
///
/// The company's own is deleted. Roles: owner.
#[utoipa::path(
    tag = "notifications",
    params(("event" = String, Path), ("channel" = String, Path), ("locale" = String, Path)),
    responses((status = 200, description = "the built-in template is in force again", body = Template), (status = 400, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[delete("/notification-templates/{event}/{channel}/{locale}")]
pub async fn reset(
    state: web::Data<AppState>,
    caller: Owner,
    path: web::Path<(String, String, String)>,
) -> Result<web::Json<Template>, AppError> {
    let key = key(&path)?;
    let t = state
        .db(move |conn| templates::reset(conn, &caller.user_id, key))
        .await?;
    Ok(web::Json(t))
}

/// Preview a template with sample data.
///
/// As the customer would read it. Roles: owner.
#[utoipa::path(
    tag = "notifications",
    params(("event" = String, Path), ("channel" = String, Path), ("locale" = String, Path)),
    request_body = PreviewRequest,
    responses((status = 200, body = Preview), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[post("/notification-templates/{event}/{channel}/{locale}/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    _caller: Owner,
    path: web::Path<(String, String, String)>,
    body: Json<PreviewRequest>,
) -> Result<web::Json<Preview>, AppError> {
    let (event, channel, locale) = key(&path)?;
    let body = body.into_inner()?;
    let text = match body.body {
        Some(b) => check(
            event,
            channel,
            &TemplateText {
                subject: body.subject,
                body: b,
            },
        )?,
        None => {
            state
                .db(move |conn| crate::store::templates::current(conn, event, channel, locale))
                .await?
                .0
        }
    };
    let m = &state.config().messaging;
    let link = format!("{}/v/{}", m.public_url, "x".repeat(40));
    let values = sample_values(locale, &m.company, &link);
    let rendered = render(&text.body, &values);
    Ok(web::Json(Preview {
        subject: text.subject.as_deref().map(|s| render(s, &values)),
        sms: (channel == MessageChannel::Sms).then(|| measure(&rendered)),
        body: rendered,
    }))
}

/// Registers the routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(save)
        .service(reset)
        .service(preview);
}
