//! The outside security review's findings (#21), each as the attack that found
//! it: nobody reads what is not theirs, a signed-out session is over, a client's
//! headers name nobody, a customer's old link confirms nothing new, and bad
//! input changes nothing.

use diesel::prelude::*;
use orderly::core::role::Role;
use orderly::store::{self, Backend};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{TestApp, PASSWORD};
use crate::work_orders::{act, customer_with_site, engineer_id, order_in_scheduling, window};

on_both_backends!(
    backend: a_replayed_key_never_answers_for_another_order,
    a_signed_out_session_ends_at_once,
    a_clients_address_header_names_nobody,
    nobody_locks_the_owner_out_from_another_address,
    an_old_link_says_the_visit_has_moved,
    absurd_dates_and_direction_controls_are_refused,
    bombs_are_refused_and_big_photos_kept_small,
    answers_are_not_cached_and_say_what_was_stored,
);

/// A second engineer and a token of theirs.
pub(crate) async fn second_engineer(app: &TestApp) -> (String, String) {
    let other = app
        .as_owner()
        .post(
            "/api/v1/users",
            json!({"email": "engineer2@test.orderly", "name": "Second", "roles": ["engineer"],
                   "password": "long enough password"}),
        )
        .await;
    assert_eq!(other.status, 201, "{other:?}");
    let id = other["id"].as_str().unwrap().to_owned();
    let token = app.token_for(&id);
    (id, token)
}

/// An order booked for an engineer tomorrow, for the hour from `hour`:
/// (order, version, visit).
async fn booked(app: &TestApp, name: &str, engineer: &str, hour: u32) -> (String, i64, String) {
    let (customer, site, contact, _) = customer_with_site(app, name).await;
    let (order, v) = order_in_scheduling(app, &customer, &site).await;
    let day = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let (from, to) = (format!("{hour:02}:00"), format!("{:02}:00", hour + 1));
    let (start, end) = window(&day, &from, &to);
    let r = act(
        app,
        Role::Administrator,
        &order,
        "schedule",
        json!({"version": v, "engineer_id": engineer, "start": start, "end": end, "on_site_contact_id": contact}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let visit = r["visits"][0]["id"].as_str().unwrap().to_owned();
    (order, v + 1, visit)
}

async fn a_replayed_key_never_answers_for_another_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (other_id, other_token) = second_engineer(&app).await;
    let (mine, v, _) = booked(&app, "Mine", &engineer_id(&app), 8).await;
    let (theirs, tv, _) = booked(&app, "Theirs", &other_id, 10).await;
    let post = |token: String, order: String, action: &'static str, body: serde_json::Value| {
        let app = &app;
        async move {
            app.with_token(&token)
                .send_with_headers(
                    "POST",
                    &format!("/api/v1/work-orders/{order}/actions/{action}"),
                    Some(body.to_string()),
                    &[("Idempotency-Key", "phone-key-1")],
                )
                .await
        }
    };
    let me = app.token(Role::Engineer);
    let first = post(
        me.clone(),
        mine.clone(),
        "start-travel",
        json!({"version": v}),
    )
    .await;
    assert_eq!(first.status, 200, "{first:?}");
    // The same request again: answered, not repeated.
    let again = post(
        me.clone(),
        mine.clone(),
        "start-travel",
        json!({"version": v}),
    )
    .await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(
        again["work_order"]["version"],
        first["work_order"]["version"]
    );
    // The old key against another engineer's order: not found, nothing of it shown.
    let stolen = post(
        me.clone(),
        theirs.clone(),
        "start-travel",
        json!({"version": tv}),
    )
    .await;
    assert_eq!(stolen.status, 404, "{stolen:?}");
    assert!(stolen.body.get("work_order").is_none());
    let stolen = post(me.clone(), theirs.clone(), "arrive", json!({"version": tv})).await;
    assert_eq!(stolen.status, 404, "{stolen:?}");
    // The key with another action or body on the own order: refused, nothing done.
    let reused = post(
        me.clone(),
        mine.clone(),
        "arrive",
        json!({"version": v + 1}),
    )
    .await;
    assert_eq!(
        (reused.status, reused.code(), reused.field()),
        (422, Some("idempotency_key_reused"), Some("Idempotency-Key")),
        "{reused:?}"
    );
    let reused = post(
        me,
        mine.clone(),
        "start-travel",
        json!({"version": v, "eta_minutes": 5}),
    )
    .await;
    assert_eq!(reused.status, 422, "{reused:?}");
    let order = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{mine}"))
        .await;
    assert_eq!(order["work_order"]["status"], "en_route");
    // The other engineer's own key space is theirs: the same key works for them.
    let theirs_first = post(other_token, theirs, "start-travel", json!({"version": tv})).await;
    assert_eq!(theirs_first.status, 200, "{theirs_first:?}");
}

async fn a_signed_out_session_ends_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, email) = app.users[&Role::Manager].clone();
    async fn login(app: &TestApp, email: &str) -> (String, String) {
        let r = app.login(email, PASSWORD).await;
        assert_eq!(r.status, 200, "{r:?}");
        (
            r["access_token"].as_str().unwrap().to_owned(),
            r["refresh_token"].as_str().unwrap().to_owned(),
        )
    }
    let (access, refresh) = login(&app, &email).await;
    let (other_access, _) = login(&app, &email).await;
    assert_eq!(
        app.with_token(&access).get("/api/v1/auth/me").await.status,
        200
    );
    let out = app
        .anonymous()
        .post("/api/v1/auth/logout", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(out.status, 204);
    let after = app.with_token(&access).get("/api/v1/auth/me").await;
    assert_eq!((after.status, after.code()), (401, Some("invalid_token")));
    // Another login of the same user goes on, until "sign out everywhere".
    assert_eq!(
        app.with_token(&other_access)
            .get("/api/v1/auth/me")
            .await
            .status,
        200
    );
    let (third, _) = login(&app, &email).await;
    let everywhere = app
        .with_token(&third)
        .post("/api/v1/auth/logout-everywhere", json!({}))
        .await;
    assert_eq!(everywhere.status, 204, "{everywhere:?}");
    for token in [&other_access, &third] {
        assert_eq!(
            app.with_token(token).get("/api/v1/auth/me").await.status,
            401
        );
    }

    // The office: a planted CSRF cookie is replaced at sign-in, and signing
    // out ends the access cookie at once.
    let client = awc::Client::builder().disable_redirects().finish();
    let planted = "a".repeat(48);
    let r = client
        .post(format!("{}/office/login", app.base))
        .insert_header(("Cookie", format!("orderly_csrf={planted}")))
        .send_form(&[
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("next", "/office/reminders"),
        ])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    let value = |name: &str| {
        cookies
            .iter()
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {cookies:?}"))
            .to_owned()
    };
    let csrf = value("orderly_csrf");
    assert_ne!(csrf, planted, "the session's CSRF token is its own");
    assert_eq!(csrf.len(), 48);
    let jar = format!(
        "orderly_access={}; orderly_refresh={}; orderly_csrf={csrf}",
        value("orderly_access"),
        value("orderly_refresh")
    );
    let me = |jar: String| {
        let client = &client;
        let base = app.base.clone();
        async move {
            client
                .get(format!("{base}/api/v1/auth/me"))
                .insert_header(("Cookie", jar))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(me(jar.clone()).await, 200);
    let end = client
        .post(format!("{}/office/session/end", app.base))
        .insert_header(("Cookie", jar.clone()))
        .insert_header(("X-CSRF-Token", csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(end.status(), 204);
    assert_eq!(me(jar).await, 401, "the old cookie no longer works");
}

/// Five wrong passwords from an address, as a trusted proxy reports it.
async fn fail_five_times(app: &TestApp, email: &str, forwarded: &str) -> u16 {
    let mut last = 0;
    for _ in 0..5 {
        last = app
            .anonymous()
            .send_with_headers(
                "POST",
                "/api/v1/auth/login",
                Some(json!({"email": email, "password": "wrong password!"}).to_string()),
                &[("X-Forwarded-For", forwarded)],
            )
            .await
            .status;
    }
    last
}

async fn login_from(app: &TestApp, email: &str, forwarded: &str) -> u16 {
    app.anonymous()
        .send_with_headers(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": email, "password": PASSWORD}).to_string()),
            &[("X-Forwarded-For", forwarded)],
        )
        .await
        .status
}

async fn a_clients_address_header_names_nobody(backend: Backend) {
    // No trusted proxy: the header is the client's own word, and counts for nothing.
    let app = TestApp::spawn(backend).await;
    let (_, owner) = app.users[&Role::Owner].clone();
    for i in 0..5 {
        let r = app
            .anonymous()
            .send_with_headers(
                "POST",
                "/api/v1/auth/login",
                Some(json!({"email": owner, "password": "wrong password!"}).to_string()),
                &[("X-Forwarded-For", &format!("198.51.100.{i}"))],
            )
            .await;
        assert_eq!(r.status, 401);
    }
    assert_eq!(
        login_from(&app, &owner, "203.0.113.99").await,
        429,
        "rotating the header does not make a new address"
    );
}

async fn nobody_locks_the_owner_out_from_another_address(backend: Backend) {
    let trusted = [("ORDERLY_TRUSTED_PROXIES", "127.0.0.1/32, ::1")];
    let app = TestApp::spawn_with(backend, &trusted).await;
    let (_, owner) = app.users[&Role::Owner].clone();
    assert_eq!(fail_five_times(&app, &owner, "198.51.100.7").await, 401);
    // The attacker's address waits, growing; the owner from the office does not.
    let r = app
        .anonymous()
        .send_with_headers(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": owner, "password": PASSWORD}).to_string()),
            &[("X-Forwarded-For", "198.51.100.7")],
        )
        .await;
    assert_eq!((r.status, r.code()), (429, Some("too_many_requests")));
    assert_eq!(login_from(&app, &owner, "203.0.113.9").await, 200);
    // A forged first hop before the proxy's own entry changes nothing.
    assert_eq!(
        login_from(&app, &owner, "203.0.113.9, 198.51.100.7").await,
        429
    );
    // Counted in the database: another instance sees the same wait.
    let second = app.another_instance(&trusted);
    assert_eq!(login_from(&second, &owner, "198.51.100.7").await, 429);
    assert_eq!(login_from(&second, &owner, "203.0.113.9").await, 200);
}

async fn an_old_link_says_the_visit_has_moved(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (order, v, visit) = booked(&app, "Olena", &engineer_id(&app), 8).await;
    let link = |app: &TestApp| {
        let mut conn = app.state.database.pool.get().unwrap();
        let row = store::visits::find(
            &mut conn,
            &orderly::core::ids::typed(&visit, "visit").unwrap(),
        )
        .unwrap()
        .unwrap();
        let url = app.state.config().messaging.visit_link(&row);
        url[url.find("/v/").unwrap()..].to_owned()
    };
    let first = link(&app);
    let day = (chrono::Utc::now() + chrono::Duration::days(2))
        .date_naive()
        .to_string();
    let (start, end) = window(&day, "13:00", "14:00");
    let r = act(
        &app,
        Role::Administrator,
        &order,
        "reschedule",
        json!({"version": v, "engineer_id": engineer_id(&app), "start": start, "end": end}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let second = link(&app);
    assert_ne!(first, second);

    let page = app.anonymous().raw("GET", &first, None, &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("This visit has moved"), "{}", page.text);
    let local = start
        .parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Kyiv)
        .format("%H:%M")
        .to_string();
    assert!(
        page.text.contains(&local),
        "the new time, {local}: {}",
        page.text
    );
    assert!(!page.text.contains("Confirm the visit"));
    let app = &app;
    let confirm = |link: String| async move {
        let form = [("Content-Type", "application/x-www-form-urlencoded")];
        app.anonymous()
            .raw("POST", &format!("{link}/confirm"), Some(Vec::new()), &form)
            .await
    };
    let old = confirm(first.clone()).await;
    assert_eq!(old.status, 409, "{}", old.text);
    for _ in 0..2 {
        let new = confirm(second.clone()).await;
        assert_eq!(new.status, 303, "{}", new.text);
    }
    use store::schema::events;
    let mut conn = app.state.database.pool.get().unwrap();
    let confirmed: i64 = events::table
        .filter(events::entity_id.eq(&visit))
        .filter(events::action.eq("customer_confirmed"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(confirmed, 1, "a second confirm adds no event");
}

async fn absurd_dates_and_direction_controls_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, site, _, _) = customer_with_site(&app, "Dates").await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    for (start, end) in [
        ("9999-12-31T08:00:00Z", "9999-12-31T09:00:00Z"),
        ("0000-01-01T08:00:00Z", "0000-01-01T09:00:00Z"),
    ] {
        let r = act(
            &app,
            Role::Administrator,
            &order,
            "schedule",
            json!({"version": v, "engineer_id": engineer_id(&app), "start": start, "end": end}),
        )
        .await;
        assert_eq!((r.status, r.field()), (422, Some("start")), "{r:?}");
    }
    for (path, body, field) in [
        (
            "/api/v1/equipment",
            json!({"site_id": site, "kind": "filter", "installed_on": "9999-01-01"}),
            "installed_on",
        ),
        (
            "/api/v1/reminders",
            json!({"customer_id": customer, "due_on": "9999-12-31", "note": "call"}),
            "due_on",
        ),
        (
            "/api/v1/customers",
            json!({"kind": "person", "segment": "b2c", "name": "Evil\u{202E}gnp.exe"}),
            "name",
        ),
    ] {
        let r = app.as_manager().post(path, body).await;
        assert_eq!((r.status, r.field()), (422, Some(field)), "{r:?}");
    }
    let r = app
        .as_manager()
        .patch(
            &format!("/api/v1/sites/{site}"),
            json!({"address_line1": "Main\u{2066} 1"}),
        )
        .await;
    assert_eq!((r.status, r.field()), (422, Some("address_line1")), "{r:?}");
    let order_now = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(
        order_now["work_order"]["status"], "scheduling",
        "nothing changed"
    );
}

/// A PNG of all-zero pixels: a few hundred KB that declares `w`×`h`.
fn zero_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::GrayImage::new(w, h);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn bombs_are_refused_and_big_photos_kept_small(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (order, v, visit) = booked(&app, "Photos", &engineer_id(&app), 8).await;
    let r = act(
        &app,
        Role::Engineer,
        &order,
        "start-travel",
        json!({"version": v}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let bomb = zero_png(10_000, 10_000);
    assert!(bomb.len() < 1024 * 1024);
    let r = crate::certificates::upload(&app, &visit, "photos", bomb, Some("bomb")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("megapixels"), "{}", r.text);
    // A large honest photo is stored at 1600 px.
    let r = crate::certificates::upload(&app, &visit, "photos", zero_png(4000, 3000), Some("big"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let photo: serde_json::Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(1600), Some(1200))
    );
    // The same key for another visit is refused, not answered with this photo.
    let (_, _, other_visit) = booked(&app, "Other", &engineer_id(&app), 12).await;
    let r = crate::certificates::upload(
        &app,
        &other_visit,
        "photos",
        zero_png(100, 100),
        Some("big"),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("idempotency_key_reused"), "{}", r.text);
}

async fn answers_are_not_cached_and_say_what_was_stored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let me = app
        .as_manager()
        .raw("GET", "/api/v1/auth/me", None, &[])
        .await;
    assert_eq!(
        me.headers.get("cache-control").map(String::as_str),
        Some("no-store")
    );
    // A body over the limit is 413, not 400.
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(300 * 1024));
    let r = app
        .as_manager()
        .send("POST", "/api/v1/customers", Some(big))
        .await;
    assert_eq!((r.status, r.code()), (413, Some("too_large")), "{r:?}");
    // PATCH answers the moment it stored.
    let engineer = engineer_id(&app);
    let before = app
        .as_owner()
        .get(&format!("/api/v1/users/{engineer}"))
        .await;
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let after = app
        .as_owner()
        .patch(
            &format!("/api/v1/users/{engineer}"),
            json!({"name": "Renamed"}),
        )
        .await;
    assert_eq!(after.status, 200, "{after:?}");
    assert_ne!(after["updated_at"], before["updated_at"]);
    let read = app
        .as_owner()
        .get(&format!("/api/v1/users/{engineer}"))
        .await;
    assert_eq!(read["updated_at"], after["updated_at"]);
}
