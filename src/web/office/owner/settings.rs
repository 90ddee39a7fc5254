//! The company's settings as this server runs with them (time zone, currency,
//! the company's details on certificates, the SMS provider and the SMTP
//! server, secrets never shown), and a real test message through each.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup};

use crate::api::auth::caller::OwnerOnly;
use crate::api::state::AppState;
use crate::notify::settings::{EmailTransport, SmsProvider, SmtpSecurity};
use crate::web::office::page::{form_error, frame, json_attr, Page, PageError};
use crate::web::office::words::Words;

fn fact(label: &str, value: &str) -> Markup {
    html! { dt { (label) } dd { (value) } }
}

fn test_form(channel: &str, input_type: &str, w: &Words) -> Markup {
    html! {
        form data-api="/api/v1/settings/test-message" data-json=(json_attr(serde_json::json!({"channel": channel})))
            data-result={ "#test-" (channel) } data-ok=(w.test_sent) {
            div.row {
                label { (w.test_to) input type=(input_type) name="to" required; }
                button type="submit" { (w.send_test) }
            }
            (form_error())
            p.form-ok #{ "test-" (channel) } aria-live="polite" {}
        }
    }
}

#[get("/office/settings")]
pub async fn settings(
    page: Page<OwnerOnly>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let w = page.w;
    let c = &state.config;
    let m = &c.messaging;
    let d = &c.delivery;
    let body = html! {
        div.grid {
            section.card {
                h2 { (w.company) }
                dl.facts {
                    (fact(w.company, &m.company))
                    (fact(w.company_details, m.company_details.as_deref().unwrap_or("—")))
                    (fact(w.timezone, c.timezone.name()))
                    (fact(w.currency, &c.currency))
                    (fact(w.default_language, m.locale.as_str()))
                }
            }
            section.card {
                h2 { (w.sms) }
                dl.facts {
                    @match &d.sms {
                        SmsProvider::Log => { (fact(w.sms_provider, "log")) }
                        SmsProvider::Twilio { account_sid, from, base_url, .. } => {
                            (fact(w.sms_provider, "twilio")) (fact(w.sms_url, base_url))
                            (fact(w.sms_account, account_sid)) (fact(w.sms_from, from))
                        }
                        SmsProvider::Webhook { url, .. } => { (fact(w.sms_provider, "webhook")) (fact(w.sms_url, url)) }
                    }
                }
                (test_form("sms", "tel", w))
            }
            section.card {
                h2 { (w.smtp) }
                dl.facts {
                    @match &d.email {
                        EmailTransport::Log => { (fact(w.smtp_host, "log")) }
                        EmailTransport::Smtp { host, port, security, username, .. } => {
                            (fact(w.smtp_host, host)) (fact(w.smtp_port, &port.to_string()))
                            (fact(w.smtp_security, match security { SmtpSecurity::Starttls => "STARTTLS", SmtpSecurity::Tls => "TLS", SmtpSecurity::Plain => "plain" }))
                            (fact(w.smtp_username, username.as_deref().unwrap_or("—")))
                        }
                    }
                    (fact(w.smtp_from, &d.email_from))
                }
                (test_form("email", "email", w))
            }
        }
        p.small.muted { (w.settings_from_environment) }
    };
    Ok(frame(&page, w.menu_settings, body))
}
