//! The company's settings: name and details for certificates, time zone,
//! currency, message language, the SMS provider and the SMTP server (secrets
//! never shown, kept unless replaced), each with a real test message.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup};

use crate::api::auth::caller::OwnerOnly;
use crate::api::state::AppState;
use crate::web::office::page::{form_error, frame, json_attr, Page, PageError};
use crate::web::office::words::Words;

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

fn choice(name: &str, label: &str, options: &[&str], current: &str) -> Markup {
    html! {
        label { (label) select name=(name) {
            @for o in options { option value=(o) selected[*o == current] { (o) } } } }
    }
}

fn secret(name: &str, label: &str, stored: bool, w: &Words) -> Markup {
    html! {
        label { (label)
            input type="password" name=(name) autocomplete="off"
                placeholder=[stored.then_some(w.secret_kept)]; }
    }
}

#[get("/office/settings")]
pub async fn settings(
    page: Page<OwnerOnly>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let st = state.clone();
    let saved = state.db(move |c| st.settings.saved(c)).await?;
    let secrets = saved.secrets();
    let w = page.w;
    let s = &saved;
    let body = html! {
        form #settings data-api="/api/v1/settings" data-method="PUT" data-result="#saved" data-ok=(w.saved) {
            div.grid {
                section.card {
                    h2 { (w.company) }
                    label { (w.company) input name="company_name" required value=(s.company_name); }
                    label { (w.legal_name) input name="legal.name" data-empty="null" value=[s.legal.name.as_deref()]; }
                    label { (w.legal_address) input name="legal.address" data-empty="null" value=[s.legal.address.as_deref()]; }
                    label { (w.tax_id) input name="legal.tax_code" data-empty="null" value=[s.legal.tax_code.as_deref()]; }
                    label { (w.company_phone) input type="tel" name="company_phone" data-empty="null" value=[s.company_phone.as_deref()]; }
                    label { (w.company_details) textarea name="company_details" data-empty="null" { (s.company_details.as_deref().unwrap_or("")) } }
                    div.row {
                        label { (w.timezone) input name="timezone" required value=(s.timezone); }
                        label { (w.currency) input name="currency" required maxlength="3" value=(s.currency); }
                        (choice("locale", w.default_language, &["en", "uk"], &s.locale))
                    }
                }
                section.card {
                    h2 { (w.sms) }
                    (choice("sms.provider", w.sms_provider, &["log", "twilio", "webhook"], &s.sms.provider))
                    label { (w.sms_url) input name="sms.url" type="url" value=[s.sms.url.as_deref()]; }
                    div.row {
                        label { (w.sms_account) input name="sms.account_sid" value=[s.sms.account_sid.as_deref()]; }
                        label { (w.sms_from) input name="sms.from" value=[s.sms.from.as_deref()]; }
                    }
                    div.row {
                        (secret("sms.auth_token", "Twilio auth token", secrets.sms_auth_token, w))
                        (secret("sms.token", "Webhook token", secrets.sms_token, w))
                    }
                }
                section.card {
                    h2 { (w.smtp) }
                    (choice("email.transport", w.smtp, &["log", "smtp"], &s.email.transport))
                    div.row {
                        label { (w.smtp_host) input name="email.host" value=[s.email.host.as_deref()]; }
                        label { (w.smtp_port) input name="email.port" data-type="int" inputmode="numeric" value=[s.email.port]; }
                        (choice("email.security", w.smtp_security, &["starttls", "tls", "plain"], s.email.security.as_deref().unwrap_or("starttls")))
                    }
                    div.row {
                        label { (w.smtp_username) input name="email.username" autocomplete="off" value=[s.email.username.as_deref()]; }
                        (secret("email.password", w.password, secrets.email_password, w))
                    }
                    label { (w.smtp_from) input name="email.from" required value=(s.email.from); }
                }
            }
            (form_error())
            button.primary type="submit" { (w.save) }
            " " span.form-ok #saved aria-live="polite" {}
        }
        div.grid {
            section.card { h2 { (w.send_test) ": " (w.sms) } (test_form("sms", "tel", w)) }
            section.card { h2 { (w.send_test) ": " (w.email) } (test_form("email", "email", w)) }
        }
        p.small.muted { (w.settings_from_environment) }
    };
    Ok(frame(&page, w.menu_settings, body))
}
