//! Settings of notifications: the company's voice, the customer link, quiet
//! hours, the SMS provider, the e-mail transport and the delivery worker.

use std::sync::Arc;
use std::time::Duration;

use super::messaging::Messaging;
use super::{err, ConfigError, Sources};
use crate::config::delivery::{DeliverySettings, EmailTransport, SmsProvider, SmtpSecurity};
use crate::core::notice::delivery::QuietHours;
use crate::core::notice::link::LinkKey;
use crate::core::notice::Locale;

/// The default time of the day-before visit reminders: 18:00, company time.
pub const DEFAULT_VISIT_REMINDER_CRON: &str = "0 0 18 * * *";

fn required(src: &Sources, name: &str, why: &str) -> Result<String, ConfigError> {
    src.get(name)
        .ok_or_else(|| err(name, format!("is required {why}")))
}

/// What messages say and when they may go.
pub(super) fn messaging(
    src: &Sources,
    timezone: chrono_tz::Tz,
    bind: &str,
    secret: &[u8],
    region: crate::core::contact_info::PhoneRegion,
) -> Result<Arc<Messaging>, ConfigError> {
    let company_phone = match src.get("ORDERLY_COMPANY_PHONE") {
        Some(raw) if !raw.trim().is_empty() => Some(
            crate::core::contact_info::Phone::parse("ORDERLY_COMPANY_PHONE", &raw, region)
                .map_err(|e| err("ORDERLY_COMPANY_PHONE", format!("`{raw}` {}", e.message)))?
                .into_string(),
        ),
        _ => None,
    };
    let locale = src.get("ORDERLY_LOCALE").unwrap_or_else(|| "en".into());
    let locale = Locale::parse(locale.trim()).ok_or_else(|| {
        err(
            "ORDERLY_LOCALE",
            format!("`{locale}` is not a language messages are written in (en, uk)"),
        )
    })?;
    let quiet = src
        .get("ORDERLY_QUIET_HOURS")
        .unwrap_or_else(|| "21:00-08:00".into());
    let quiet_hours = match quiet.trim() {
        "off" | "none" => None,
        q => Some(
            q.parse::<QuietHours>()
                .map_err(|m| err("ORDERLY_QUIET_HOURS", m))?,
        ),
    };
    let public_url = match src.get("ORDERLY_PUBLIC_URL") {
        Some(url) => url,
        None => {
            let url = format!("http://{bind}");
            if src.get("ORDERLY_SMS_PROVIDER").is_some_and(|p| p != "log") {
                tracing::warn!(
                    %url,
                    "ORDERLY_PUBLIC_URL is not set: customers' links point at the bind address"
                );
            }
            url
        }
    };
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        return Err(err(
            "ORDERLY_PUBLIC_URL",
            format!("`{public_url}` must start with http:// or https://"),
        ));
    }
    Ok(Arc::new(Messaging {
        company: src
            .get("ORDERLY_COMPANY_NAME")
            .unwrap_or_else(|| "Orderly".into()),
        company_details: src.get("ORDERLY_COMPANY_DETAILS"),
        company_phone,
        legal: crate::core::certificate::LegalDetails {
            name: src.get("ORDERLY_COMPANY_LEGAL_NAME"),
            address: src.get("ORDERLY_COMPANY_LEGAL_ADDRESS"),
            tax_code: src.get("ORDERLY_COMPANY_TAX_CODE"),
        },
        timezone,
        locale,
        public_url: public_url.trim_end_matches('/').to_owned(),
        link_key: LinkKey::derive(secret),
        quiet_hours,
        travel_minutes: src.parse("ORDERLY_TRAVEL_MINUTES", 30u32)?,
        invite_to_choose: false,
        invite_segments: vec![],
    }))
}

fn sms(src: &Sources) -> Result<SmsProvider, ConfigError> {
    let name = src
        .get("ORDERLY_SMS_PROVIDER")
        .unwrap_or_else(|| "log".into());
    match name.trim() {
        "log" => Ok(SmsProvider::Log),
        "twilio" => {
            let why = "with ORDERLY_SMS_PROVIDER=twilio";
            Ok(SmsProvider::Twilio {
                account_sid: required(src, "ORDERLY_TWILIO_ACCOUNT_SID", why)?,
                auth_token: required(src, "ORDERLY_TWILIO_AUTH_TOKEN", why)?,
                from: required(src, "ORDERLY_SMS_FROM", why)?,
                base_url: src
                    .get("ORDERLY_TWILIO_URL")
                    .unwrap_or_else(|| "https://api.twilio.com".into())
                    .trim_end_matches('/')
                    .to_owned(),
            })
        }
        "webhook" => Ok(SmsProvider::Webhook {
            url: required(
                src,
                "ORDERLY_SMS_WEBHOOK_URL",
                "with ORDERLY_SMS_PROVIDER=webhook",
            )?,
            token: src.get("ORDERLY_SMS_WEBHOOK_TOKEN"),
        }),
        other => Err(err(
            "ORDERLY_SMS_PROVIDER",
            format!("`{other}` is not one of log, twilio, webhook"),
        )),
    }
}

fn email(src: &Sources) -> Result<EmailTransport, ConfigError> {
    let name = src
        .get("ORDERLY_EMAIL_TRANSPORT")
        .unwrap_or_else(|| "log".into());
    match name.trim() {
        "log" => Ok(EmailTransport::Log),
        "smtp" => {
            let security = match src
                .get("ORDERLY_SMTP_SECURITY")
                .unwrap_or_else(|| "starttls".into())
                .trim()
            {
                "starttls" => SmtpSecurity::Starttls,
                "tls" => SmtpSecurity::Tls,
                "plain" => SmtpSecurity::Plain,
                other => {
                    return Err(err(
                        "ORDERLY_SMTP_SECURITY",
                        format!("`{other}` is not one of starttls, tls, plain"),
                    ))
                }
            };
            let default_port = match security {
                SmtpSecurity::Starttls => 587,
                SmtpSecurity::Tls => 465,
                SmtpSecurity::Plain => 25,
            };
            Ok(EmailTransport::Smtp {
                host: required(
                    src,
                    "ORDERLY_SMTP_HOST",
                    "with ORDERLY_EMAIL_TRANSPORT=smtp",
                )?,
                port: src.parse("ORDERLY_SMTP_PORT", default_port)?,
                security,
                username: src.get("ORDERLY_SMTP_USERNAME"),
                password: src.get("ORDERLY_SMTP_PASSWORD"),
            })
        }
        other => Err(err(
            "ORDERLY_EMAIL_TRANSPORT",
            format!("`{other}` is not one of log, smtp"),
        )),
    }
}

/// A count or duration that must be at least 1.
fn positive(src: &Sources, name: &str, default: u64) -> Result<u64, ConfigError> {
    match src.parse(name, default)? {
        0 => Err(err(name, "must be at least 1")),
        v => Ok(v),
    }
}

/// The delivery worker and its transports.
pub(super) fn delivery(src: &Sources) -> Result<DeliverySettings, ConfigError> {
    let email_from = src
        .get("ORDERLY_EMAIL_FROM")
        .unwrap_or_else(|| "Orderly <no-reply@orderly.invalid>".into());
    if email_from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(err(
            "ORDERLY_EMAIL_FROM",
            format!("`{email_from}` is not an address like \"Company <office@example.com>\""),
        ));
    }
    Ok(DeliverySettings {
        worker: src.parse("ORDERLY_OUTBOX_WORKER", true)?,
        sms: sms(src)?,
        email: email(src)?,
        email_from,
        max_attempts: u32::try_from(positive(src, "ORDERLY_OUTBOX_MAX_ATTEMPTS", 8)?)
            .unwrap_or(u32::MAX),
        retry_base: Duration::from_millis(positive(src, "ORDERLY_OUTBOX_RETRY_BASE_MS", 30_000)?),
        retry_max: Duration::from_secs(positive(src, "ORDERLY_OUTBOX_RETRY_MAX_SECS", 3_600)?),
        lease: Duration::from_millis(positive(src, "ORDERLY_OUTBOX_LEASE_MS", 120_000)?),
        poll: Duration::from_millis(positive(src, "ORDERLY_OUTBOX_POLL_MS", 1_000)?),
        batch: positive(src, "ORDERLY_OUTBOX_BATCH", 100)? as i64,
        concurrency: positive(src, "ORDERLY_OUTBOX_CONCURRENCY", 16)? as usize,
        timeout: Duration::from_secs(positive(src, "ORDERLY_SEND_TIMEOUT_SECS", 20)?),
    })
}
