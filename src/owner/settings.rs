//! `/settings/test-message`: the owner checks the SMS provider or the SMTP
//! server with one real message, and sees the provider's own answer at once.

use actix_web::{post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::auth::Owner;
use crate::api::error::ErrorBody;
use crate::api::extract::Json;
use crate::api::state::AppState;
use crate::core::contact_info::{Email, Phone};
use crate::core::ids;
use crate::core::notice::MessageChannel;
use crate::error::AppError;
use crate::notify::email::EmailSender;
use crate::notify::sms::SmsSender;
use crate::notify::{Outgoing, SendError};

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
    let delivery = &state.config.delivery;
    let company = &state.config.messaging.company;
    let id = ids::new_id();
    let subject = format!("{company}: test message");
    let text = format!("{company}: this is a test message from Orderly. Messages to customers will arrive like this one.");
    let sent = match channel {
        MessageChannel::Sms => {
            let to = Phone::parse("to", &to, state.config.phone_region)?.into_string();
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
    cfg.service(test_message);
}
