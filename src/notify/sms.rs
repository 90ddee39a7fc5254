//! SMS providers: Twilio's Messages API, a generic JSON webhook, or the log.

use std::time::Duration;

use awc::http::StatusCode;
use base64::Engine;
use serde::Deserialize;

use super::{Outgoing, ProviderId, SendError};
use crate::config::delivery::SmsProvider;

/// Sends SMS through the configured provider.
pub struct SmsSender {
    provider: SmsProvider,
    client: awc::Client,
}

#[derive(Deserialize)]
struct Accepted {
    #[serde(alias = "sid")]
    id: Option<String>,
}

/// Classifies an HTTP answer: 2xx is sent, 408/429/5xx are worth a retry, other 4xx are final.
fn classify(status: StatusCode, body: &[u8]) -> Result<ProviderId, SendError> {
    if status.is_success() {
        let id = serde_json::from_slice::<Accepted>(body)
            .ok()
            .and_then(|a| a.id);
        return Ok(id);
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
    let message = format!("provider answered {status}: {text}");
    if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        Err(SendError::Transient(message))
    } else {
        Err(SendError::Permanent(message))
    }
}

impl SmsSender {
    pub fn new(provider: SmsProvider, timeout: Duration) -> SmsSender {
        // TLS for https providers; rustls needs its crypto chosen once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = awc::Client::builder()
            .timeout(timeout)
            .disable_redirects()
            .finish();
        SmsSender { provider, client }
    }

    /// Sends one SMS.
    pub async fn send(&self, sms: &Outgoing<'_>) -> Result<ProviderId, SendError> {
        let response = match &self.provider {
            SmsProvider::Log => {
                tracing::info!(
                    id = sms.id,
                    to = sms.to,
                    body = sms.body,
                    "SMS (log channel: not sent)"
                );
                return Ok(Some(format!("log-{}", sms.id)));
            }
            SmsProvider::Twilio {
                account_sid,
                auth_token,
                from,
                base_url,
            } => {
                let url = format!("{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json");
                let auth = base64::engine::general_purpose::STANDARD
                    .encode(format!("{account_sid}:{auth_token}"));
                self.client
                    .post(url)
                    .insert_header(("Authorization", format!("Basic {auth}")))
                    .insert_header(("I-Twilio-Idempotency-Token", sms.id))
                    .send_form(&[("To", sms.to), ("From", from.as_str()), ("Body", sms.body)])
                    .await
            }
            SmsProvider::Webhook { url, token } => {
                let mut request = self
                    .client
                    .post(url.as_str())
                    .insert_header(("Idempotency-Key", sms.id));
                if let Some(t) = token {
                    request = request.insert_header(("Authorization", format!("Bearer {t}")));
                }
                request
                    .send_json(&serde_json::json!({"id": sms.id, "to": sms.to, "body": sms.body}))
                    .await
            }
        };
        let mut response = response
            .map_err(|e| SendError::Transient(format!("cannot reach the SMS provider: {e}")))?;
        let body = response.body().limit(64 * 1024).await.map_err(|e| {
            SendError::Transient(format!("the SMS provider's answer broke off: {e}"))
        })?;
        classify(response.status(), &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_classified() {
        assert_eq!(
            classify(StatusCode::CREATED, br#"{"sid":"SM1"}"#),
            Ok(Some("SM1".into()))
        );
        assert_eq!(classify(StatusCode::OK, b"ok"), Ok(None));
        assert!(matches!(
            classify(StatusCode::INTERNAL_SERVER_ERROR, b""),
            Err(SendError::Transient(_))
        ));
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, b""),
            Err(SendError::Transient(_))
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, br#"{"message":"invalid To"}"#),
            Err(SendError::Permanent(m)) if m.contains("invalid To")
        ));
    }
}
