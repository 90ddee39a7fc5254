//! The company's settings: saved by the owner, in force at once (and on another
//! instance), bad values named and nothing changed, secrets never shown, and a
//! real test message through the chosen SMS provider and SMTP server.

use serde_json::{json, Value};

use crate::on_both_backends;
use crate::sinks::{SmsSink, SmtpSink};
use crate::support::TestApp;

on_both_backends!(
    the_owner_sets_the_company_and_its_providers,
    bad_settings_are_named_and_change_nothing,
    a_company_keeps_one_currency,
);

/// Orders are in the company's currency only, and the currency changes only
/// before the first order: no total ever adds euros to hryvnias.
async fn a_company_keeps_one_currency(app: TestApp) {
    let customer = app.customer("Олена").await;
    let site = app.site(&customer).await;
    let order = |currency: Option<&str>| {
        let mut body = json!({"customer_id": customer, "site_id": site,
            "scope_lines": [{"description": "Service", "quantity": 1, "unit_price": 10000}]});
        if let Some(c) = currency {
            body["currency"] = json!(c);
        }
        body
    };
    let eur = app
        .as_manager()
        .post("/api/v1/work-orders", order(Some("EUR")))
        .await;
    assert_eq!(
        (eur.status, eur.field()),
        (422, Some("currency")),
        "{eur:?}"
    );
    assert!(
        eur.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("UAH"),
        "{eur:?}"
    );
    let uah = app
        .as_manager()
        .post("/api/v1/work-orders", order(Some("uah")))
        .await;
    assert_eq!(uah.status, 201, "{uah:?}");
    assert_eq!(uah["work_order"]["currency"], "UAH");
    assert_eq!(
        app.as_manager()
            .post("/api/v1/work-orders", order(None))
            .await
            .status,
        201
    );

    let sms = SmsSink::start().await;
    let smtp = SmtpSink::start().await;
    let mut body = settings(&sms, &smtp);
    let r = put(&app, &body).await;
    assert_eq!(
        (r.status, r.field()),
        (422, Some("currency")),
        "USD with orders in UAH: {r:?}"
    );
    body["currency"] = json!("UAH");
    assert_eq!(put(&app, &body).await.status, 200);
}

fn settings(sms: &SmsSink, smtp: &SmtpSink) -> Value {
    json!({
        "company_name": "Aqua Service", "company_details": "Kyiv, Khreshchatyk 1 · EDRPOU 12345678",
        "timezone": "America/New_York", "currency": "usd", "locale": "uk",
        "sms": {"provider": "webhook", "url": format!("{}/sms", sms.url), "token": "hook-secret"},
        "email": {"transport": "smtp", "host": "127.0.0.1", "port": smtp.port, "security": "plain",
                  "from": "Aqua Service <office@aqua.test>"}
    })
}

async fn put(app: &TestApp, body: &Value) -> crate::support::Resp {
    app.as_owner()
        .send("PUT", "/api/v1/settings", Some(body.to_string()))
        .await
}

async fn the_owner_sets_the_company_and_its_providers(app: TestApp) {
    let sms = SmsSink::start().await;
    let smtp = SmtpSink::start().await;
    let before = app.as_owner().get("/api/v1/settings").await;
    assert_eq!(before["version"], 0);

    let saved = put(&app, &settings(&sms, &smtp)).await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["settings"]["currency"], "USD");
    assert_eq!(saved["secrets"]["sms_token"], true);
    assert!(
        !saved.body.to_string().contains("hook-secret"),
        "secrets are never shown"
    );
    let config = app.state.config();
    assert_eq!(config.timezone, chrono_tz::America::New_York);
    assert_eq!(config.messaging.company, "Aqua Service");

    // A save without the secret keeps it.
    let again = put(&app, &settings(&sms, &smtp)).await;
    let mut body = settings(&sms, &smtp);
    body["sms"].as_object_mut().unwrap().remove("token");
    let kept = put(&app, &body).await;
    assert_eq!((again.status, kept.status), (200, 200));
    assert_eq!(kept["secrets"]["sms_token"], true);

    // Real messages through the new provider and server.
    let r = app
        .as_owner()
        .post(
            "/api/v1/settings/test-message",
            json!({"channel": "sms", "to": "+380671234567"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let got = sms.requests();
    assert_eq!(got.len(), 1);
    assert!(got[0].body.contains("Aqua Service"), "{:?}", got[0]);
    assert_eq!(got[0].authorization.as_deref(), Some("Bearer hook-secret"));
    let r = app
        .as_owner()
        .post(
            "/api/v1/settings/test-message",
            json!({"channel": "email", "to": "olena@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(smtp.count(), 1);
    let r = app
        .as_owner()
        .post(
            "/api/v1/settings/test-message",
            json!({"channel": "sms", "to": "not a phone"}),
        )
        .await;
    assert_eq!((r.status, r.field()), (422, Some("to")));

    // Another instance on the same database starts with them, and follows a change.
    let other = orderly::runtime::Runtime::new(
        app.state.database.pool.clone(),
        app.state.database.backend,
        app.state.base_config().clone(),
        app.state.files.clone(),
    );
    assert_eq!(other.config().messaging.company, "Aqua Service");
    let mut renamed = body.clone();
    renamed["company_name"] = json!("Aqua Service Group");
    assert_eq!(put(&app, &renamed).await.status, 200);
    other.settings.refresh(&other.database).await.unwrap();
    assert_eq!(other.config().messaging.company, "Aqua Service Group");
}

async fn bad_settings_are_named_and_change_nothing(app: TestApp) {
    let sms = SmsSink::start().await;
    let smtp = SmtpSink::start().await;
    let good = settings(&sms, &smtp);
    for (field, edit) in [
        ("timezone", json!({"timezone": "Mars/Olympus"})),
        ("currency", json!({"currency": "hryvnia"})),
        ("locale", json!({"locale": "fr"})),
        ("sms.url", json!({"sms": {"provider": "webhook"}})),
        ("sms.account_sid", json!({"sms": {"provider": "twilio"}})),
        (
            "email.host",
            json!({"email": {"transport": "smtp", "from": "a@b.test"}}),
        ),
        (
            "email.from",
            json!({"email": {"transport": "log", "from": "nobody"}}),
        ),
        ("company_name", json!({"company_name": "  "})),
        (
            "legal.tax_code",
            json!({"legal": {"tax_code": "1".repeat(41)}}),
        ),
        ("legal.name", json!({"legal": {"name": "Aqua\u{0}"}})),
    ] {
        let mut body = good.clone();
        for (k, v) in edit.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = put(&app, &body).await;
        assert_eq!((r.status, r.field()), (422, Some(field)), "{r:?}");
    }
    let r = put(&app, &json!({"company_name": "x"})).await;
    assert_eq!(r.status, 400, "{r:?}");
    let after = app.as_owner().get("/api/v1/settings").await;
    assert_eq!(after["version"], 0, "nothing was saved");
    assert_eq!(
        app.state.config().timezone,
        app.state.base_config().timezone
    );
    let r = app
        .as_manager()
        .send("PUT", "/api/v1/settings", Some(good.to_string()))
        .await;
    assert_eq!(r.status, 403);
}
