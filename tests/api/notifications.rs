//! Notifications end to end: every trigger writes one message, the worker
//! delivers it over real SMTP and real HTTP to local peers, failures are retried
//! and visible, and the customer's link works.

use std::time::Duration;

use chrono::Utc;
use orderly::core::role::Role;
use orderly::notify::worker::Worker;
use orderly::store::Backend;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::sinks::{SmsSink, SmtpSink};
use crate::support::{day_ahead, TestApp};
use crate::work_orders::{act, customer_with_site, engineer_id, order_in_scheduling};

on_both_backends!(
    backend: every_trigger_sends_exactly_one_message,
    the_customer_link_confirms_and_asks_for_another_time,
    an_smtp_server_that_is_down_gets_the_mail_once_it_is_up,
    a_failing_sms_provider_is_retried_until_it_accepts,
    refused_and_dead_messages_are_visible_and_can_be_retried,
    a_worker_killed_mid_send_is_replaced_without_a_duplicate,
    two_workers_never_send_one_message_twice,
    quiet_hours_defer_sms_but_not_urgent_ones,
    opt_outs_and_consent_are_honoured,
    templates_are_edited_previewed_and_used,
);

/// The app, its SMTP server and its SMS provider (Twilio-compatible, or the JSON webhook).
struct Peers {
    app: TestApp,
    smtp: SmtpSink,
    sms: SmsSink,
}

async fn peers(backend: Backend, webhook: bool, extra: &[(&str, &str)]) -> Peers {
    let smtp = SmtpSink::start().await;
    let sms = SmsSink::start().await;
    let smtp_port = smtp.port.to_string();
    let webhook_url = format!("{}/sms", sms.url);
    let mut settings: Vec<(&str, &str)> = vec![
        ("ORDERLY_EMAIL_TRANSPORT", "smtp"),
        ("ORDERLY_SMTP_HOST", "127.0.0.1"),
        ("ORDERLY_SMTP_PORT", &smtp_port),
        ("ORDERLY_SMTP_SECURITY", "plain"),
        ("ORDERLY_EMAIL_FROM", "Aqua Service <office@aqua.test>"),
        ("ORDERLY_COMPANY_NAME", "Aqua Service"),
        ("ORDERLY_PUBLIC_URL", "http://orderly.test"),
        ("ORDERLY_OUTBOX_RETRY_BASE_MS", "20"),
        ("ORDERLY_SEND_TIMEOUT_SECS", "5"),
    ];
    if webhook {
        settings.extend([
            ("ORDERLY_SMS_PROVIDER", "webhook"),
            ("ORDERLY_SMS_WEBHOOK_URL", webhook_url.as_str()),
            ("ORDERLY_SMS_WEBHOOK_TOKEN", "hook-token"),
        ]);
    } else {
        settings.extend([
            ("ORDERLY_SMS_PROVIDER", "twilio"),
            ("ORDERLY_TWILIO_ACCOUNT_SID", "AC123"),
            ("ORDERLY_TWILIO_AUTH_TOKEN", "twilio-secret"),
            ("ORDERLY_SMS_FROM", "+15005550006"),
            ("ORDERLY_TWILIO_URL", sms.url.as_str()),
        ]);
    }
    settings.extend_from_slice(extra);
    let app = TestApp::spawn_with(backend, &settings).await;
    Peers { app, smtp, sms }
}

/// Runs the worker until nothing is due (waiting out short retry delays), up to `within`.
async fn deliver(app: &TestApp, within: Duration) -> usize {
    let worker = Worker::new(&app.state).unwrap();
    let started = std::time::Instant::now();
    let mut total = 0;
    let mut idle = 0;
    while started.elapsed() < within {
        let n = worker.run_once().await.unwrap();
        total += n;
        if n == 0 {
            idle += 1;
            if idle > 5 {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(40)).await;
        } else {
            idle = 0;
        }
    }
    total
}

async fn notifications(app: &TestApp, query: &str) -> Vec<Value> {
    let r = app
        .as_administrator()
        .get(&format!("/api/v1/notifications?limit=200&{query}"))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r["items"].as_array().unwrap().clone()
}

async fn schedule(app: &TestApp, order: &str, version: i64, on: &str, contact: Option<&str>) {
    let r = act(
        app,
        Role::Administrator,
        order,
        "schedule",
        json!({"version": version, "engineer_id": engineer_id(app), "start": format!("{on}T08:00:00Z"),
               "end": format!("{on}T10:00:00Z"), "on_site_contact_id": contact}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
}

async fn every_trigger_sends_exactly_one_message(backend: Backend) {
    let Peers { app, smtp, sms } = peers(backend, true, &[]).await;
    let (customer, site, contact, equipment) = customer_with_site(&app, "Olena Kovalenko").await;
    app.as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"email": "olena@example.com"}),
        )
        .await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;

    // Booked, then moved to another day.
    schedule(&app, &order, v, &day_ahead(3), Some(&contact)).await;
    let moved = act(
        &app,
        Role::Administrator,
        &order,
        "reschedule",
        json!({"version": v + 1, "engineer_id": engineer_id(&app), "start": format!("{}T07:00:00Z", day_ahead(4)),
               "end": format!("{}T09:00:00Z", day_ahead(4))}),
    )
    .await;
    assert_eq!(moved.status, 200, "{moved:?}");

    // The evening before: one reminder, however often the job runs.
    // Midday the day before, whatever the hour the test runs at.
    let eve: chrono::DateTime<Utc> = format!("{}T12:00:00Z", day_ahead(3)).parse().unwrap();
    for _ in 0..2 {
        let config = app.state.config();
        let pool = app.state.database.pool.clone();
        let report = actix_web::web::block(move || {
            orderly::scheduler::run_all(&mut pool.get().unwrap(), &Default::default(), eve, &config)
        })
        .await
        .unwrap()
        .unwrap();
        assert!(report.visit_reminders <= 1);
    }

    // On the way, done, certified.
    let r = act(
        &app,
        Role::Engineer,
        &order,
        "start-travel",
        json!({"version": v + 2, "eta_minutes": 25}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let bad_eta = act(
        &app,
        Role::Engineer,
        &order,
        "arrive",
        json!({"version": v + 3, "eta_minutes": 25}),
    )
    .await;
    assert_eq!(bad_eta.status, 400, "arrive takes no eta: {bad_eta:?}");
    for (role, action, body) in [
        (Role::Engineer, "arrive", json!({"version": v + 3})),
        (
            Role::Engineer,
            "finish",
            json!({"version": v + 4, "result_notes": "Cartridges changed"}),
        ),
        (
            Role::Administrator,
            "certify",
            json!({"version": v + 5, "summary": "Three cartridges changed, pressure 3.1 bar."}),
        ),
    ] {
        let r = act(&app, role, &order, action, body).await;
        assert_eq!(r.status, 200, "{action}: {r:?}");
    }

    // A second order, booked and then cancelled.
    let (second, v2) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &second, v2, &day_ahead(10), None).await;
    let r = act(
        &app,
        Role::Manager,
        &second,
        "cancel",
        json!({"version": v2 + 1, "reason": "customer sold the flat"}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");

    // A plan that tells the customer when it comes due.
    let plan = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{equipment}/plans"),
            json!({"service_kind": "cartridge change", "recurrence": "after_completion", "every": 6, "unit": "months",
                   "lead_days": 14, "notify_customer": true}),
        )
        .await;
    assert_eq!(plan.status, 201, "{plan:?}");
    let config = app.state.config();
    let pool = app.state.database.pool.clone();
    let far = Utc::now() + chrono::Duration::days(200);
    actix_web::web::block(move || {
        orderly::scheduler::run_all(&mut pool.get().unwrap(), &Default::default(), far, &config)
    })
    .await
    .unwrap()
    .unwrap();

    let queued = notifications(&app, &format!("customer_id={customer}")).await;
    let mut events: Vec<&str> = queued
        .iter()
        .map(|n| n["event"].as_str().unwrap())
        .collect();
    events.sort();
    assert_eq!(
        events,
        [
            "maintenance_due",
            "on_the_way",
            "visit_cancelled",
            "visit_reminder",
            "visit_rescheduled",
            "visit_scheduled",
            "visit_scheduled",
            "work_certified"
        ],
        "{queued:#?}"
    );

    deliver(&app, Duration::from_secs(10)).await;
    let sent = notifications(&app, &format!("customer_id={customer}&status=sent")).await;
    assert_eq!(sent.len(), 8, "{sent:#?}");
    // Nothing more to do: a second pass sends nothing again.
    assert_eq!(deliver(&app, Duration::from_secs(1)).await, 0);

    let texts = sms.accepted();
    assert_eq!(texts.len(), 7, "one SMS per SMS notification");
    for t in &texts {
        assert_eq!(t.path, "/sms");
        assert_eq!(t.authorization.as_deref(), Some("Bearer hook-token"));
        let body: Value = serde_json::from_str(&t.body).unwrap();
        assert_eq!(body["to"], "+380671234567");
        assert_eq!(t.idempotency_key.as_deref(), body["id"].as_str());
    }
    let bodies: Vec<String> = texts
        .iter()
        .map(|t| {
            serde_json::from_str::<Value>(&t.body).unwrap()["body"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let find = |word: &str| {
        bodies
            .iter()
            .find(|b| b.contains(word))
            .unwrap_or_else(|| panic!("no SMS with `{word}` in {bodies:#?}"))
    };
    // Kyiv is UTC+2 in winter, UTC+3 in summer: 07:00Z reads 09:00 or 10:00.
    let moved_sms = find("has moved to");
    assert!(moved_sms.contains("Aqua Service"), "{moved_sms}");
    assert!(moved_sms.contains("http://orderly.test/v/"), "{moved_sms}");
    assert!(
        find("booked for").contains("10:00-12:00") || find("booked for").contains("11:00-13:00")
    );
    find("a reminder, your visit is tomorrow");
    find("is on the way");
    find("is cancelled");
    find("cartridge change for your reverse osmosis filter (Atoll A-550) is due");

    assert_eq!(smtp.count(), 1, "the certificate e-mail");
    let mail = smtp.mails.lock().unwrap()[0].clone();
    assert_eq!(mail.to, ["olena@example.com"]);
    assert_eq!(mail.from, "<office@aqua.test>");
    assert!(
        mail.data
            .contains("Subject: Work completed at Khreshchatyk 1, Kyiv"),
        "{}",
        mail.data
    );
    assert!(
        mail.data.contains("Three cartridges changed"),
        "{}",
        mail.data
    );
    let certified = sent
        .iter()
        .find(|n| n["event"] == "work_certified")
        .unwrap();
    assert_eq!(certified["channel"], "email");
    assert!(certified["provider_id"]
        .as_str()
        .unwrap()
        .contains("queued as"));
}

async fn the_customer_link_confirms_and_asks_for_another_time(backend: Backend) {
    let Peers { app, sms, .. } = peers(backend, false, &[]).await;
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &order, v, &day_ahead(5), Some(&contact)).await;
    deliver(&app, Duration::from_secs(5)).await;

    let texts = sms.accepted();
    assert_eq!(texts.len(), 1);
    let t = &texts[0];
    assert_eq!(t.path, "/2010-04-01/Accounts/AC123/Messages.json");
    assert_eq!(
        t.authorization.as_deref(),
        Some("Basic QUMxMjM6dHdpbGlvLXNlY3JldA=="),
        "account SID and token"
    );
    let form: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(&t.body).unwrap();
    assert_eq!(form["To"], "+380671234567");
    assert_eq!(form["From"], "+15005550006");
    let body = &form["Body"];
    let link = body
        .split_whitespace()
        .find(|w| w.starts_with("http://orderly.test/v/"))
        .unwrap_or_else(|| panic!("no link in {body}"));
    let path = link.trim_start_matches("http://orderly.test");
    let sent = notifications(&app, "status=sent").await;
    assert_eq!(
        sent[0]["provider_id"], "SM1",
        "Twilio's message SID is kept"
    );

    // The page, without a login.
    let page = app.anonymous().raw("GET", path, None, &[]).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.content_type.unwrap().starts_with("text/html"));
    assert!(page.text.contains("Your visit"), "{}", page.text);
    assert!(
        page.text.contains("engineer"),
        "the engineer's name: {}",
        page.text
    );
    assert!(page.text.contains("Khreshchatyk 1, Kyiv"));
    assert!(page.text.contains("Confirm the visit"));

    // A changed character, or an id that is not a token, opens nothing.
    let mut forged: Vec<char> = path.chars().collect();
    let i = forged.len() - 5;
    forged[i] = if forged[i] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    let r = app.anonymous().raw("GET", &forged, None, &[]).await;
    assert_eq!(r.status, 404);
    let r = app
        .anonymous()
        .raw("GET", &format!("/v/{order}"), None, &[])
        .await;
    assert_eq!(r.status, 404);

    // Confirm: recorded, shown to the office, on the timeline.
    let r = app
        .anonymous()
        .raw(
            "POST",
            &format!("{path}/confirm"),
            Some(Vec::new()),
            &[("Content-Type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some(path)));
    let page = app.anonymous().raw("GET", path, None, &[]).await;
    assert!(
        page.text.contains("You have confirmed this visit"),
        "{}",
        page.text
    );
    let detail = app
        .as_administrator()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(
        detail["visits"][0]["customer_response"]["answer"],
        "confirmed"
    );

    // Asking for another time needs words, and leaves the office a reminder.
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = app
        .anonymous()
        .raw("POST", &format!("{path}/move"), Some("note=".into()), &form)
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.text.contains("say which days or times suit you"),
        "{}",
        r.text
    );
    let r = app
        .anonymous()
        .raw(
            "POST",
            &format!("{path}/move"),
            Some("note=Saturday+morning%2C+please".into()),
            &form,
        )
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    let detail = app
        .as_administrator()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let response = &detail["visits"][0]["customer_response"];
    assert_eq!(response["answer"], "asked_to_move");
    assert_eq!(response["note"], "Saturday morning, please");
    let inbox = app
        .as_administrator()
        .get("/api/v1/reminders?kind=customer_request")
        .await;
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1, "{inbox:?}");
    assert_eq!(inbox["items"][0]["work_order_id"], order.as_str());
    assert!(inbox["items"][0]["note"]
        .as_str()
        .unwrap()
        .contains("Saturday morning"));
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    let actions: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"customer_confirmed"), "{actions:?}");
    assert!(actions.contains(&"customer_asked_to_move"), "{actions:?}");

    // Once the engineer is on the way, the page says so and takes no answer.
    let r = act(
        &app,
        Role::Engineer,
        &order,
        "start-travel",
        json!({"version": v + 1}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .anonymous()
        .raw("POST", &format!("{path}/confirm"), Some(Vec::new()), &form)
        .await;
    assert_eq!(r.status, 409);
    assert!(
        r.text.contains("on the way or already with you"),
        "{}",
        r.text
    );
}

async fn an_smtp_server_that_is_down_gets_the_mail_once_it_is_up(backend: Backend) {
    // A port nobody listens on yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let port_text = port.to_string();
    let Peers { app, .. } = peers(backend, true, &[("ORDERLY_SMTP_PORT", &port_text)]).await;
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    app.as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"email": "olena@example.com", "preferred_channel": "email"}),
        )
        .await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &order, v, &day_ahead(3), Some(&contact)).await;

    let worker = Worker::new(&app.state).unwrap();
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let queued = notifications(&app, "").await;
    assert_eq!(queued[0]["channel"], "email");
    assert_eq!(queued[0]["status"], "queued", "still queued: {queued:#?}");
    assert_eq!(queued[0]["attempts"], 1);
    assert!(queued[0]["last_error"].as_str().unwrap().contains("SMTP"));

    let smtp = SmtpSink::start_on(port).await;
    deliver(&app, Duration::from_secs(5)).await;
    assert_eq!(smtp.count(), 1, "delivered once the server is up");
    deliver(&app, Duration::from_secs(1)).await;
    assert_eq!(smtp.count(), 1, "and exactly once");
    let id = queued[0]["id"].as_str().unwrap();
    let detail = app
        .as_owner()
        .get(&format!("/api/v1/notifications/{id}"))
        .await;
    assert_eq!(detail["status"], "sent");
    let outcomes: Vec<&str> = detail["attempts_made"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes.first(), Some(&"retry"));
    assert_eq!(outcomes.last(), Some(&"sent"));
    assert!(smtp.mails.lock().unwrap()[0]
        .data
        .contains(&format!("Message-ID: <{id}@orderly>")));
}

async fn a_failing_sms_provider_is_retried_until_it_accepts(backend: Backend) {
    let Peers { app, sms, .. } = peers(backend, false, &[]).await;
    sms.script(&[500, 500]);
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &order, v, &day_ahead(3), Some(&contact)).await;
    deliver(&app, Duration::from_secs(5)).await;

    assert_eq!(sms.requests().len(), 3, "three attempts");
    assert_eq!(sms.accepted().len(), 1, "one SMS");
    let n = &notifications(&app, "").await[0];
    assert_eq!(
        (n["status"].as_str(), n["attempts"].as_i64()),
        (Some("sent"), Some(3))
    );
    let detail = app
        .as_administrator()
        .get(&format!(
            "/api/v1/notifications/{}",
            n["id"].as_str().unwrap()
        ))
        .await;
    let outcomes: Vec<&str> = detail["attempts_made"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["retry", "retry", "sent"]);
    assert!(detail["attempts_made"][0]["error"]
        .as_str()
        .unwrap()
        .contains("500"));
    let keys: std::collections::HashSet<_> = sms
        .requests()
        .into_iter()
        .map(|r| r.idempotency_key)
        .collect();
    assert_eq!(
        keys.len(),
        1,
        "every attempt carries the same idempotency key"
    );
}

async fn refused_and_dead_messages_are_visible_and_can_be_retried(backend: Backend) {
    let Peers { app, sms, .. } =
        peers(backend, false, &[("ORDERLY_OUTBOX_MAX_ATTEMPTS", "2")]).await;
    // The first message is refused for good; the second fails twice and dies.
    sms.script(&[400, 503, 503]);
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    let (first, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &first, v, &day_ahead(3), Some(&contact)).await;
    deliver(&app, Duration::from_secs(5)).await;
    let (second, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &second, v, &day_ahead(4), Some(&contact)).await;
    deliver(&app, Duration::from_secs(5)).await;

    let failed = notifications(&app, "status=failed").await;
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(failed[0]["last_error"].as_str().unwrap().contains("400"));
    let dead = notifications(&app, "status=dead").await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["attempts"], 2);
    assert!(dead[0]["last_error"]
        .as_str()
        .unwrap()
        .contains("gave up after 2 attempts"));
    assert_eq!(sms.accepted().len(), 0);

    // A sent or queued message is not retried; failed and dead ones are.
    let bogus = app
        .as_administrator()
        .post(
            &format!(
                "/api/v1/notifications/{}/retry",
                orderly::core::ids::new_id()
            ),
            json!({}),
        )
        .await;
    assert_eq!(bogus.status, 404);
    for n in [&failed[0], &dead[0]] {
        let id = n["id"].as_str().unwrap();
        let r = app
            .as_administrator()
            .post(&format!("/api/v1/notifications/{id}/retry"), json!({}))
            .await;
        assert_eq!(
            (r.status, r["status"].as_str()),
            (200, Some("queued")),
            "{r:?}"
        );
        assert_eq!(r["attempts"], 0);
    }
    deliver(&app, Duration::from_secs(5)).await;
    assert_eq!(sms.accepted().len(), 2);
    assert_eq!(notifications(&app, "status=sent").await.len(), 2);
    let again = app
        .as_administrator()
        .post(
            &format!(
                "/api/v1/notifications/{}/retry",
                dead[0]["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!((again.status, again.code()), (409, Some("not_retryable")));
    let bad = app
        .as_administrator()
        .get("/api/v1/notifications?status=lost")
        .await;
    assert_eq!((bad.status, bad.field()), (400, Some("status")), "{bad:?}");
}

async fn a_worker_killed_mid_send_is_replaced_without_a_duplicate(backend: Backend) {
    let Peers { app, sms, .. } = peers(backend, true, &[("ORDERLY_OUTBOX_LEASE_MS", "400")]).await;
    sms.script(&[0]); // the first request never gets an answer
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &order, v, &day_ahead(3), Some(&contact)).await;

    let doomed = Worker::new(&app.state).unwrap();
    let task = actix_web::rt::spawn(async move {
        let _ = doomed.run_once().await;
    });
    for _ in 0..100 {
        if !sms.requests().is_empty() {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(sms.requests().len(), 1, "the first worker is mid-send");
    task.abort(); // killed
    let n = &notifications(&app, "").await[0];
    assert_eq!(n["status"], "sending");

    let rescuer = Worker::new(&app.state).unwrap();
    assert_eq!(
        rescuer.run_once().await.unwrap(),
        0,
        "the lease still holds"
    );
    actix_web::rt::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(
        rescuer.run_once().await.unwrap(),
        1,
        "reclaimed after the lease"
    );
    assert_eq!(rescuer.run_once().await.unwrap(), 0);

    let n = &notifications(&app, "").await[0];
    assert_eq!(
        (n["status"].as_str(), n["attempts"].as_i64()),
        (Some("sent"), Some(2))
    );
    assert_eq!(sms.accepted().len(), 1, "delivered once");
    let requests = sms.requests();
    assert_eq!(
        requests[0].idempotency_key, requests[1].idempotency_key,
        "the provider can tell the resend from a new message"
    );
}

async fn two_workers_never_send_one_message_twice(backend: Backend) {
    let Peers { app, sms, .. } = peers(backend, true, &[("ORDERLY_OUTBOX_BATCH", "7")]).await;
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    for i in 0..8 {
        let (order, v) = order_in_scheduling(&app, &customer, &site).await;
        schedule(&app, &order, v, &day_ahead(3 + i), Some(&contact)).await;
    }
    let (a, b) = (
        Worker::new(&app.state).unwrap(),
        Worker::new(&app.state).unwrap(),
    );
    let drain = |w: Worker| async move {
        let mut total = 0;
        loop {
            let n = w.run_once().await.unwrap();
            if n == 0 {
                return total;
            }
            total += n;
        }
    };
    let (x, y) = futures_util::future::join(drain(a), drain(b)).await;
    assert_eq!(x + y, 8, "each message claimed once");
    let accepted = sms.accepted();
    let keys: std::collections::HashSet<_> =
        accepted.iter().map(|r| r.idempotency_key.clone()).collect();
    assert_eq!((accepted.len(), keys.len()), (8, 8));
}

async fn quiet_hours_defer_sms_but_not_urgent_ones(backend: Backend) {
    // Quiet hours around the present moment, in Kyiv time.
    let tz: chrono_tz::Tz = "Europe/Kyiv".parse().unwrap();
    let now = Utc::now().with_timezone(&tz);
    let from = (now - chrono::Duration::hours(1))
        .format("%H:00")
        .to_string();
    let to = (now + chrono::Duration::hours(2))
        .format("%H:00")
        .to_string();
    let quiet = format!("{from}-{to}");
    let Peers { app, sms, smtp } = peers(backend, true, &[("ORDERLY_QUIET_HOURS", &quiet)]).await;
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &order, v, &day_ahead(3), Some(&contact)).await;
    deliver(&app, Duration::from_secs(2)).await;
    assert_eq!(sms.requests().len(), 0, "deferred, not sent");
    let n = &notifications(&app, "").await[0];
    assert_eq!(n["status"], "queued", "deferred, never dropped");
    let next: chrono::DateTime<Utc> = n["next_attempt_at"].as_str().unwrap().parse().unwrap();
    assert!(next > Utc::now() + chrono::Duration::minutes(50), "{next}");
    assert_eq!(next.with_timezone(&tz).format("%H:%M").to_string(), to);

    // "On the way" is urgent: it goes at once.
    let r = act(
        &app,
        Role::Engineer,
        &order,
        "start-travel",
        json!({"version": v + 1}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    deliver(&app, Duration::from_secs(2)).await;
    let accepted = sms.accepted();
    assert_eq!(accepted.len(), 1);
    assert!(accepted[0].body.contains("on the way"));
    assert_eq!(smtp.count(), 0);
}

async fn opt_outs_and_consent_are_honoured(backend: Backend) {
    let Peers { app, sms, smtp } = peers(backend, true, &[]).await;
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    // No SMS for this person: the visit message goes by e-mail.
    let r = app
        .as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"email": "olena@example.com", "opted_out": ["sms"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let bad = app
        .as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"opted_out": ["pigeon"]}),
        )
        .await;
    assert_eq!(bad.status, 400, "{bad:?}");
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &order, v, &day_ahead(3), Some(&contact)).await;
    deliver(&app, Duration::from_secs(5)).await;
    assert_eq!(sms.requests().len(), 0);
    assert_eq!(smtp.count(), 1);

    // No service messages at all: nothing is sent, and the office sees why.
    app.as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"consent_service": false}),
        )
        .await;
    let (second, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &second, v, &day_ahead(4), Some(&contact)).await;
    deliver(&app, Duration::from_secs(2)).await;
    assert_eq!((sms.requests().len(), smtp.count()), (0, 1));
    let suppressed = notifications(&app, "status=suppressed").await;
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["work_order_id"], second.as_str());
    assert!(suppressed[0]["last_error"]
        .as_str()
        .unwrap()
        .contains("does not accept service messages"));
}

async fn templates_are_edited_previewed_and_used(backend: Backend) {
    let Peers { app, sms, .. } = peers(backend, true, &[]).await;
    let all = app.as_owner().get("/api/v1/notification-templates").await;
    // Ten events (the survey, mass messages and "choose a time" among them), two
    // channels, two languages.
    assert_eq!(all.body.as_array().unwrap().len(), 10 * 2 * 2);
    let path = "/api/v1/notification-templates/visit_scheduled/sms/uk";

    // Preview of the template in force: Cyrillic, so UCS-2.
    let preview = app
        .as_owner()
        .post(&format!("{path}/preview"), json!({}))
        .await;
    assert_eq!(preview.status, 200, "{preview:?}");
    assert_eq!(preview["sms"]["encoding"], "ucs2");
    assert!(preview["body"]
        .as_str()
        .unwrap()
        .contains("Тарас Бондаренко"));
    let latin = app
        .as_owner()
        .post(
            "/api/v1/notification-templates/on_the_way/sms/en/preview",
            json!({"body": "{{engineer}} arrives at {{eta}}"}),
        )
        .await;
    assert_eq!(
        (
            latin["sms"]["encoding"].as_str(),
            latin["sms"]["segments"].as_i64()
        ),
        (Some("gsm7"), Some(1))
    );

    // Bad edits name the field and change nothing.
    let other =
        |event: &str, locale: &str| format!("/api/v1/notification-templates/{event}/sms/{locale}");
    for (at, body, status, field) in [
        (
            path.to_owned(),
            json!({"body": "Візит {{when}}"}),
            422,
            "body",
        ),
        (
            path.to_owned(),
            json!({"body": "Візит {{date}}", "subject": "Hi"}),
            422,
            "subject",
        ),
        (path.to_owned(), json!({"body": "  "}), 422, "body"),
        (
            other("visit_party", "uk"),
            json!({"body": "x"}),
            400,
            "event",
        ),
        (
            other("visit_scheduled", "fr"),
            json!({"body": "x"}),
            400,
            "locale",
        ),
    ] {
        let r = app
            .as_owner()
            .send("PUT", &at, Some(body.to_string()))
            .await;
        assert_eq!((r.status, r.field()), (status, Some(field)), "{at}: {r:?}");
    }
    let unchanged = app
        .as_owner()
        .post(&format!("{path}/preview"), json!({}))
        .await;
    assert_eq!(unchanged["body"], preview["body"]);

    let saved = app
        .as_owner()
        .send(
            "PUT",
            path,
            Some(
                json!({"body": "{{company}}: чекайте майстра {{date}} о {{window}}. {{link}}"})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(
        (saved.status, saved["edited"].as_bool()),
        (200, Some(true)),
        "{saved:?}"
    );

    // A Ukrainian-speaking contact gets the edited words.
    let (customer, site, contact, _) = customer_with_site(&app, "Олена Коваленко").await;
    app.as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"locale": "uk"}),
        )
        .await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    schedule(&app, &order, v, &day_ahead(3), Some(&contact)).await;
    deliver(&app, Duration::from_secs(5)).await;
    let text: Value = serde_json::from_str(&sms.accepted()[0].body).unwrap();
    let body = text["body"].as_str().unwrap();
    assert!(body.starts_with("Aqua Service: чекайте майстра "), "{body}");
    let n = &notifications(&app, "").await[0];
    assert_eq!(n["locale"], "uk");

    let reset = app.as_owner().send("DELETE", path, None).await;
    assert_eq!(
        (reset.status, reset["edited"].as_bool()),
        (200, Some(false))
    );
    assert!(reset["body"]
        .as_str()
        .unwrap()
        .contains("візит заплановано"));
}
