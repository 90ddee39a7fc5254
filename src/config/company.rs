//! The company's settings the owner edits in the office (name and details for
//! certificates, time zone, currency, message language, the SMS provider and
//! the SMTP server). Saved in the database, they take the place of the same
//! settings from the environment, on every instance, without a restart.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Config;
use crate::config::delivery::{EmailTransport, SmsProvider, SmtpSecurity};
use crate::core::certificate::LegalDetails;
use crate::core::notice::Locale;
use crate::core::{text, ValidationError};

/// The editable settings. Secrets (`auth_token`, `token`, `password`) are
/// write-only: absent on a save, the saved one is kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompanySettings {
    /// The name messages and certificates are signed with.
    pub company_name: String,
    /// Address, tax number, phone: under the name on certificates.
    #[serde(default)]
    pub company_details: Option<String>,
    /// The number customers call: printed on equipment stickers.
    #[serde(default)]
    pub company_phone: Option<String>,
    /// Legal name, address and tax code: what the certificate states of the contractor.
    #[serde(default)]
    pub legal: LegalDetails,
    /// IANA name: `Europe/Kyiv`.
    pub timezone: String,
    /// ISO 4217: `UAH`.
    pub currency: String,
    /// The language of messages to contacts who have not chosen one: `en`, `uk`.
    pub locale: String,
    pub sms: SmsSettings,
    pub email: EmailSettings,
    /// Lifetime-value inputs and the pace of mass messages.
    #[serde(default)]
    pub analytics: crate::core::analytics::AnalyticsSettings,
    /// Whether customers choose their own visit time from a link, and how.
    #[serde(default)]
    pub self_scheduling: crate::core::slots::SelfScheduling,
}

/// The SMS provider: `log` (send nothing), `twilio`, or `webhook`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    pub provider: String,
    /// Twilio's base address (its own by default), or the webhook's address.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub account_sid: Option<String>,
    #[serde(default, skip_serializing)]
    pub auth_token: Option<String>,
    /// The sender's number or name (Twilio).
    #[serde(default)]
    pub from: Option<String>,
    /// The webhook's bearer token.
    #[serde(default, skip_serializing)]
    pub token: Option<String>,
}

/// The e-mail transport: `log` (send nothing) or `smtp`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub transport: String,
    #[serde(default)]
    pub host: Option<String>,
    /// 587 for STARTTLS, 465 for TLS by default.
    #[serde(default)]
    pub port: Option<u16>,
    /// `starttls` (default), `tls` or `plain`.
    #[serde(default)]
    pub security: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// The From address: `Aqua Service <office@aqua.example>`.
    pub from: String,
}

/// Which secrets are stored, without them.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredSecrets {
    pub sms_auth_token: bool,
    pub sms_token: bool,
    pub email_password: bool,
}

impl CompanySettings {
    /// The settings a configuration runs with.
    pub fn of(config: &Config) -> CompanySettings {
        let m = &config.messaging;
        let d = &config.delivery;
        let sms = match &d.sms {
            SmsProvider::Log => SmsSettings {
                provider: "log".into(),
                ..Default::default()
            },
            SmsProvider::Twilio {
                account_sid,
                auth_token,
                from,
                base_url,
            } => SmsSettings {
                provider: "twilio".into(),
                url: Some(base_url.clone()),
                account_sid: Some(account_sid.clone()),
                auth_token: Some(auth_token.clone()),
                from: Some(from.clone()),
                token: None,
            },
            SmsProvider::Webhook { url, token } => SmsSettings {
                provider: "webhook".into(),
                url: Some(url.clone()),
                token: token.clone(),
                ..Default::default()
            },
        };
        let email = match &d.email {
            EmailTransport::Log => EmailSettings {
                transport: "log".into(),
                from: d.email_from.clone(),
                ..Default::default()
            },
            EmailTransport::Smtp {
                host,
                port,
                security,
                username,
                password,
            } => EmailSettings {
                transport: "smtp".into(),
                host: Some(host.clone()),
                port: Some(*port),
                security: Some(
                    match security {
                        SmtpSecurity::Starttls => "starttls",
                        SmtpSecurity::Tls => "tls",
                        SmtpSecurity::Plain => "plain",
                    }
                    .into(),
                ),
                username: username.clone(),
                password: password.clone(),
                from: d.email_from.clone(),
            },
        };
        CompanySettings {
            company_name: m.company.clone(),
            company_details: m.company_details.clone(),
            company_phone: m.company_phone.clone(),
            legal: m.legal.clone(),
            timezone: config.timezone.name().to_owned(),
            currency: config.currency.clone(),
            locale: m.locale.as_str().to_owned(),
            sms,
            email,
            analytics: config.analytics.clone(),
            self_scheduling: config.self_scheduling.clone(),
        }
    }

    /// Takes the stored secrets where this save leaves them out.
    pub fn keep_secrets(mut self, stored: &CompanySettings) -> CompanySettings {
        if self.sms.auth_token.is_none() {
            self.sms.auth_token = stored.sms.auth_token.clone();
        }
        if self.sms.token.is_none() {
            self.sms.token = stored.sms.token.clone();
        }
        if self.email.password.is_none() {
            self.email.password = stored.email.password.clone();
        }
        self
    }

    pub fn secrets(&self) -> StoredSecrets {
        StoredSecrets {
            sms_auth_token: self.sms.auth_token.is_some(),
            sms_token: self.sms.token.is_some(),
            email_password: self.email.password.is_some(),
        }
    }

    /// A copy with the secrets, for storage (serialising leaves them out).
    pub fn to_stored_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        v["sms"]["auth_token"] = serde_json::json!(self.sms.auth_token);
        v["sms"]["token"] = serde_json::json!(self.sms.token);
        v["email"]["password"] = serde_json::json!(self.email.password);
        v
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ValidationError {
    ValidationError::new(field, message)
}

fn text(field: &str, value: &str, max: usize) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(v.to_owned())
}

fn need<'a>(field: &str, value: &'a Option<String>, why: &str) -> Result<&'a str, ValidationError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid(field, format!("is required {why}")))
}

fn web_address(field: &str, value: &str) -> Result<String, ValidationError> {
    if !(value.starts_with("http://") || value.starts_with("https://")) || value.len() < 10 {
        return Err(invalid(field, "must be an http:// or https:// address"));
    }
    Ok(value.trim_end_matches('/').to_owned())
}

impl Config {
    /// This configuration with the company's settings in place of its own; a
    /// bad value names its field and changes nothing.
    pub fn with_company(&self, s: &CompanySettings) -> Result<Config, ValidationError> {
        let timezone: chrono_tz::Tz = s.timezone.trim().parse().map_err(|_| {
            invalid(
                "timezone",
                format!(
                    "`{}` is not an IANA time zone such as Europe/Kyiv",
                    s.timezone
                ),
            )
        })?;
        let currency = s.currency.trim().to_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(invalid(
                "currency",
                "must be a three-letter ISO 4217 code such as UAH",
            ));
        }
        let locale = Locale::parse(s.locale.trim())
            .ok_or_else(|| invalid("locale", "must be one of: en, uk"))?;
        let sms = match s.sms.provider.trim() {
            "log" => SmsProvider::Log,
            "twilio" => {
                let why = "for Twilio";
                SmsProvider::Twilio {
                    account_sid: need("sms.account_sid", &s.sms.account_sid, why)?.to_owned(),
                    auth_token: need("sms.auth_token", &s.sms.auth_token, why)?.to_owned(),
                    from: need("sms.from", &s.sms.from, why)?.to_owned(),
                    base_url: match s
                        .sms
                        .url
                        .as_deref()
                        .map(str::trim)
                        .filter(|u| !u.is_empty())
                    {
                        Some(u) => web_address("sms.url", u)?,
                        None => "https://api.twilio.com".into(),
                    },
                }
            }
            "webhook" => SmsProvider::Webhook {
                url: web_address("sms.url", need("sms.url", &s.sms.url, "for a webhook")?)?,
                token: s.sms.token.clone().filter(|t| !t.trim().is_empty()),
            },
            _ => {
                return Err(invalid(
                    "sms.provider",
                    "must be one of: log, twilio, webhook",
                ))
            }
        };
        let email = match s.email.transport.trim() {
            "log" => EmailTransport::Log,
            "smtp" => {
                let security = match s
                    .email
                    .security
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or("starttls")
                {
                    "starttls" | "" => SmtpSecurity::Starttls,
                    "tls" => SmtpSecurity::Tls,
                    "plain" => SmtpSecurity::Plain,
                    _ => {
                        return Err(invalid(
                            "email.security",
                            "must be one of: starttls, tls, plain",
                        ))
                    }
                };
                let port = match s.email.port {
                    Some(0) => return Err(invalid("email.port", "must be 1 to 65535")),
                    Some(p) => p,
                    None => match security {
                        SmtpSecurity::Starttls => 587,
                        SmtpSecurity::Tls => 465,
                        SmtpSecurity::Plain => 25,
                    },
                };
                EmailTransport::Smtp {
                    host: need("email.host", &s.email.host, "for SMTP")?.to_owned(),
                    port,
                    security,
                    username: s.email.username.clone().filter(|u| !u.trim().is_empty()),
                    password: s.email.password.clone().filter(|p| !p.is_empty()),
                }
            }
            _ => return Err(invalid("email.transport", "must be one of: log, smtp")),
        };
        let from = s.email.from.trim();
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid(
                "email.from",
                "must be an address like \"Company <office@example.com>\"",
            ));
        }
        let mut messaging = (*self.messaging).clone();
        messaging.company = text("company_name", &s.company_name, 200)?;
        messaging.company_details =
            text::optional("company_details", s.company_details.as_deref(), text::LINE)?;
        messaging.company_phone = match s.company_phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(
                crate::core::contact_info::Phone::parse("company_phone", raw, self.phone_region)?
                    .into_string(),
            ),
        };
        messaging.legal = LegalDetails {
            name: text::optional("legal.name", s.legal.name.as_deref(), 300)?,
            address: text::optional("legal.address", s.legal.address.as_deref(), text::LINE)?,
            tax_code: text::optional("legal.tax_code", s.legal.tax_code.as_deref(), 40)?,
        };
        messaging.timezone = timezone;
        messaging.locale = locale;
        messaging.invite_to_choose = s.self_scheduling.enabled;
        messaging.invite_segments = s.self_scheduling.segments.clone();
        let mut config = self.clone();
        config.timezone = timezone;
        config.currency = currency;
        config.messaging = std::sync::Arc::new(messaging);
        config.delivery.sms = sms;
        config.delivery.email = email;
        config.delivery.email_from = from.to_owned();
        s.analytics.check()?;
        config.analytics = s.analytics.clone();
        s.self_scheduling.check()?;
        config.self_scheduling = s.self_scheduling.clone();
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Config {
        Config::from_vars(std::collections::HashMap::from([(
            "ORDERLY_JWT_SECRET".to_owned(),
            "a-test-secret-of-at-least-thirty-two-bytes".to_owned(),
        )]))
        .unwrap()
    }

    #[test]
    fn a_configuration_round_trips_through_its_settings() {
        let config = base();
        let s = CompanySettings::of(&config);
        let again = config.with_company(&s).unwrap();
        assert_eq!(CompanySettings::of(&again), s);
    }

    #[test]
    fn settings_replace_the_environment_and_bad_ones_name_their_field() {
        let config = base();
        let mut s = CompanySettings::of(&config);
        s.timezone = "America/New_York".into();
        s.sms = SmsSettings {
            provider: "webhook".into(),
            url: Some("http://127.0.0.1:9/sms".into()),
            ..Default::default()
        };
        let changed = config.with_company(&s).unwrap();
        assert_eq!(changed.timezone, chrono_tz::America::New_York);
        assert_eq!(changed.messaging.timezone, chrono_tz::America::New_York);
        assert!(matches!(changed.delivery.sms, SmsProvider::Webhook { .. }));
        for (field, edit) in [
            (
                "timezone",
                Box::new(|s: &mut CompanySettings| s.timezone = "Mars/Olympus".into())
                    as Box<dyn Fn(&mut CompanySettings)>,
            ),
            (
                "currency",
                Box::new(|s: &mut CompanySettings| s.currency = "hryvnia".into()),
            ),
            (
                "sms.url",
                Box::new(|s: &mut CompanySettings| s.sms.url = Some("ftp://x".into())),
            ),
            (
                "email.host",
                Box::new(|s: &mut CompanySettings| s.email.transport = "smtp".into()),
            ),
            (
                "email.from",
                Box::new(|s: &mut CompanySettings| s.email.from = "nobody".into()),
            ),
        ] {
            let mut bad = s.clone();
            edit(&mut bad);
            assert_eq!(config.with_company(&bad).unwrap_err().field, field);
        }
    }

    #[test]
    fn secrets_are_kept_when_a_save_leaves_them_out_and_never_shown() {
        let mut stored = CompanySettings::of(&base());
        stored.email.password = Some("hunter2".into());
        let mut next = stored.clone();
        next.email.password = None;
        let kept = next.keep_secrets(&stored);
        assert_eq!(kept.email.password.as_deref(), Some("hunter2"));
        assert!(!serde_json::to_string(&kept).unwrap().contains("hunter2"));
        assert!(kept.to_stored_json().to_string().contains("hunter2"));
    }
}
