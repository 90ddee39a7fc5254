//! `/settings`: the company's settings (name and details for certificates, time
//! zone, currency, message language, SMS provider, SMTP server), saved in the
//! database and in force at once on every instance; and `/settings/test-message`,
//! one real message through the provider with its own answer shown at once.

use actix_web::{get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::auth::Owner;
use crate::api::error::ErrorBody;
use crate::api::extract::Json;
use crate::api::state::AppState;
use crate::config::company::{CompanySettings, StoredSecrets};
use crate::core::contact_info::{Email, Phone};
use crate::core::ids;
use crate::core::notice::MessageChannel;
use crate::error::AppError;
use crate::flow::company_settings;
use crate::notify::email::EmailSender;
use crate::notify::sms::SmsSender;
use crate::notify::{Outgoing, SendError};
use crate::store::settings;

/// The settings in force, without their secrets.
#[derive(Serialize, ToSchema)]
pub struct SettingsView {
    pub settings: CompanySettings,
    /// Which secrets are stored.
    pub secrets: StoredSecrets,
    /// 0 until the owner first saves; each save adds one.
    pub version: i64,
}

async fn view(state: &AppState) -> Result<SettingsView, AppError> {
    let st = state.clone();
    state
        .db(move |c| {
            let saved = st.settings.saved(c)?;
            Ok(SettingsView {
                secrets: saved.secrets(),
                settings: saved,
                version: settings::version(c)?.unwrap_or(0),
            })
        })
        .await
}

/// Read the company's settings.
///
/// Secrets are never shown, only whether they are set. Roles: owner.
#[utoipa::path(
    tag = "settings",
    responses((status = 200, body = SettingsView), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    _caller: Owner,
) -> Result<web::Json<SettingsView>, AppError> {
    Ok(web::Json(view(&state).await?))
}

/// Save the company's settings.
///
/// In force at once on every instance. A bad value is named (422) and nothing changes; the currency changes only before the first order. Roles: owner.
#[utoipa::path(
    tag = "settings",
    request_body = CompanySettings,
    responses(
        (status = 200, description = "saved and in force", body = SettingsView),
        (status = 400, body = ErrorBody),
        (status = 422, description = "a bad value, named in `field`; nothing is saved", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[put("/settings")]
pub async fn save_settings(
    state: web::Data<AppState>,
    caller: Owner,
    body: Json<CompanySettings>,
) -> Result<web::Json<SettingsView>, AppError> {
    let next = body.into_inner()?;
    let live = state.settings.clone();
    let (merged, version) = state
        .db(move |c| company_settings::save(c, &live, &caller.user_id, next))
        .await?;
    state.settings.apply(&merged, version)?;
    Ok(web::Json(view(&state).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestMessage {
    pub channel: MessageChannel,
    /// A phone number for SMS, an address for e-mail.
    pub to: String,
}

/// The provider took the message.
#[derive(Serialize, ToSchema)]
pub struct TestSent {
    pub channel: MessageChannel,
    pub to: String,
    /// The provider's id of the message.
    pub provider_id: Option<String>,
}

/// Send a test SMS or e-mail through the configured provider.
///
/// 502 with the provider's answer when it refuses. Roles: owner.
#[utoipa::path(
    tag = "settings",
    request_body = TestMessage,
    responses(
        (status = 200, body = TestSent),
        (status = 422, description = "`to` is not a phone number or an e-mail address", body = ErrorBody),
        (status = 502, description = "the provider refused or could not be reached; the message says why", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/settings/test-message")]
pub async fn test_message(
    state: web::Data<AppState>,
    _caller: Owner,
    body: Json<TestMessage>,
) -> Result<web::Json<TestSent>, AppError> {
    let TestMessage { channel, to } = body.into_inner()?;
    let delivery = &state.config().delivery;
    let company = &state.config().messaging.company;
    let id = ids::new_id();
    let subject = format!("{company}: test message");
    let text = format!("{company}: this is a test message from Orderly. Messages to customers will arrive like this one.");
    let sent = match channel {
        MessageChannel::Sms => {
            let to = Phone::parse("to", &to, state.config().phone_region)?.into_string();
            let sender = SmsSender::new(delivery.sms.clone(), delivery.timeout);
            let message = Outgoing {
                id: &id,
                to: &to,
                subject: None,
                body: &text,
                attachments: &[],
            };
            sender.send(&message).await.map(|p| (to.clone(), p))
        }
        MessageChannel::Email => {
            let to = Email::parse("to", &to)?.into_string();
            let sender =
                EmailSender::new(&delivery.email, &delivery.email_from, delivery.timeout, 1)
                    .map_err(AppError::Upstream)?;
            let message = Outgoing {
                id: &id,
                to: &to,
                subject: Some(&subject),
                body: &text,
                attachments: &[],
            };
            sender.send(&message).await.map(|p| (to.clone(), p))
        }
    };
    match sent {
        Ok((to, provider_id)) => Ok(web::Json(TestSent {
            channel,
            to,
            provider_id,
        })),
        Err(SendError::Transient(e) | SendError::Permanent(e)) => Err(AppError::Upstream(e)),
    }
}

/// Registers the route.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_settings)
        .service(save_settings)
        .service(test_message);
}
