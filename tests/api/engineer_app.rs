//! The engineer's phone app in a real browser: headless Chromium at phone size,
//! driven through ChromeDriver (Debian's `chromium` and `chromium-driver`).
//! Screenshots land in `target/screenshots/`.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use fantoccini::Locator;
use orderly::core::role::Role;
use orderly::store::Backend;
use serde_json::json;

pub(crate) use crate::browser::Browser as Phone;
use crate::on_both_backends;
use crate::support::{TestApp, PASSWORD};
use crate::work_orders::{act, customer_with_site, engineer_id, order_in_scheduling_for};

on_both_backends!(
    backend: an_engineer_walks_a_visit_on_a_phone,
    an_engineer_finishes_offline_and_nothing_is_lost_or_doubled,
    an_engineer_reads_the_briefing_and_a_meter_offline,
);

/// A booked visit at midday today (company time), for the test engineer: (order, visit).
pub(crate) async fn todays_visit(app: &TestApp) -> (String, String) {
    let (customer, site, contact, piece) = customer_with_site(app, "Olena Kovalenko").await;
    let (order, v) = order_in_scheduling_for(app, &customer, &site, &[&piece]).await;
    let tz = app.state.config().timezone;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let noon = tz
        .from_local_datetime(&today.and_hms_opt(12, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc);
    let r = act(app, Role::Administrator, &order, "schedule",
        json!({"version": v, "engineer_id": engineer_id(app), "start": noon, "end": noon + chrono::Duration::hours(2),
               "on_site_contact_id": contact})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let visit = r["visits"][0]["id"].as_str().unwrap().to_owned();
    (order, visit)
}

pub(crate) async fn sign_in(phone: &Phone, app: &TestApp) {
    phone
        .client
        .goto(&format!("{}/app/", app.base))
        .await
        .unwrap();
    phone
        .css("input[name=email]")
        .await
        .send_keys("engineer@test.orderly")
        .await
        .unwrap();
    phone
        .css("input[name=password]")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    phone
        .css("form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    phone.css("article.visit").await;
}

/// On site: one photo, a signature, notes and a rating, then "finish".
async fn do_the_work(phone: &Phone, dir: &std::path::Path) {
    let photo = dir.join("filter.jpg");
    let img = image::RgbImage::from_fn(2000, 1500, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    img.save(&photo).unwrap();
    phone
        .css("#photo")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    phone
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//span[@id='photo-count' and text()='× 1']"))
        .await
        .expect("the photo is queued");
    phone
        .client
        .execute(
            "const c = document.querySelector('canvas.signature'); const r = c.getBoundingClientRect();
             const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type,
                 {clientX: r.left + x, clientY: r.top + y, pointerId: 1, bubbles: true}));
             ev('pointerdown', 20, 40);
             for (let i = 0; i < 30; i++) ev('pointermove', 20 + i * 10, 40 + (i % 3) * 15);
             ev('pointerup', 320, 60);",
            vec![],
        )
        .await
        .unwrap();
    phone
        .css("textarea[name=notes]")
        .await
        .send_keys("Filter flushed, pressure 3.1 bar")
        .await
        .unwrap();
    phone
        .css("textarea[name=recommendations]")
        .await
        .send_keys("Membrane next year")
        .await
        .unwrap();
    phone
        .client
        .execute(
            "document.querySelector('select[name=rating]').value = '5';",
            vec![],
        )
        .await
        .unwrap();
}

/// Opens the visit from the route and does it: on the way, arrived, the work,
/// finish; with `shots`, photographs the visit before finishing.
pub(crate) async fn walk_visit(phone: &Phone, visit: &str, shots: bool) {
    phone
        .click(&format!("article[data-visit='{visit}'] a.open"))
        .await;
    phone.css("#on-the-way").await.click().await.unwrap();
    phone.css("#arrived").await.click().await.unwrap();
    phone.css("form#finish").await;
    let dir = tempfile::tempdir().unwrap();
    do_the_work(phone, dir.path()).await;
    if shots {
        phone.screenshot("engineer-visit").await;
    }
    phone.click("form#finish button.primary").await;
    phone.css("#done").await;
}

async fn check_done(app: &TestApp, order: &str) {
    let detail = app
        .as_administrator()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(detail["work_order"]["status"], "work_done", "{detail:?}");
    let visit = &detail["visits"][0];
    assert_eq!(visit["result_notes"], "Filter flushed, pressure 3.1 bar");
    assert_eq!(visit["recommendations"], "Membrane next year");
    assert_eq!(visit["customer_rating"], 5);
    let kinds: Vec<&str> = visit["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["photo", "signature"], "exactly one of each");
    let photo = &visit["files"][0];
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(1600), Some(1200)),
        "downscaled on the phone"
    );
    let customer = detail["work_order"]["customer_id"].as_str().unwrap();
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline?limit=200"))
        .await;
    for action in ["start-travel", "arrive", "finish"] {
        let n = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .count();
        assert_eq!(n, 1, "{action} recorded once");
    }
}

async fn an_engineer_walks_a_visit_on_a_phone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (order, visit) = todays_visit(&app).await;
    let phone = Phone::phone().await;
    sign_in(&phone, &app).await;
    phone.screenshot("engineer-route").await;
    walk_visit(&phone, &visit, true).await;
    phone.drained().await;
    phone.screenshot("engineer-finished").await;
    check_done(&app, &order).await;
    phone.close().await;
}

async fn an_engineer_finishes_offline_and_nothing_is_lost_or_doubled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (order, visit) = todays_visit(&app).await;
    let phone = Phone::phone().await;
    sign_in(&phone, &app).await;
    // Let the service worker take the shell into its cache.
    phone
        .client
        .execute("await navigator.serviceWorker.ready; return true;", vec![])
        .await
        .unwrap();

    app.go_offline().await;
    // The route opens from the phone's own copy, even after a reload.
    phone.client.refresh().await.unwrap();
    walk_visit(&phone, &visit, false).await;
    let waiting = phone.queue().await;
    assert_eq!(
        waiting["waiting"], 5,
        "travel, arrival, photo, signature, finish: {waiting}"
    );
    phone.screenshot("engineer-offline").await;

    app.go_online();
    phone.drained().await;
    check_done(&app, &order).await;
    phone.close().await;
}

async fn an_engineer_reads_the_briefing_and_a_meter_offline(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, visit) = todays_visit(&app).await;
    let mine = app
        .as_engineer()
        .get(&format!("/api/v1/my/visits/{visit}"))
        .await;
    let piece = mine["equipment"][0]["id"].as_str().unwrap().to_owned();
    let m = crate::meters::meter(
        &app,
        &piece,
        json!({"kind": "litres", "mode": "cumulative", "name": "Inlet"}),
    )
    .await;
    let meter = m["id"].as_str().unwrap().to_owned();
    let r = crate::meters::read(
        &app,
        &meter,
        json!({"value": 1200.0, "read_at": crate::meters::ago(30)}),
    )
    .await;
    assert_eq!(r.status, 201);

    let phone = Phone::handset().await;
    sign_in(&phone, &app).await;
    phone
        .client
        .execute("await navigator.serviceWorker.ready; return true;", vec![])
        .await
        .unwrap();
    phone.client.refresh().await.unwrap();
    phone.css("article.visit").await;
    phone
        .click(&format!("article[data-visit='{visit}'] a.open"))
        .await;
    // Before setting out: the work, the piece with its model, the meter's last reading.
    let text = phone.wait_for_text("Inlet").await;
    for part in ["Atoll A-550", "1,200 L", "Gate code 1942"] {
        assert!(text.contains(part), "`{part}` before leaving: {text}");
    }
    assert!(
        !text.lines().any(|l| l.trim() == "0"),
        "no stray count on the page: {text}"
    );
    assert!(
        phone.client.find(Locator::Css("form.meter")).await.is_err(),
        "readings are taken on site"
    );
    phone.fits_the_phone().await;
    phone.screenshot("engineer-briefing").await;

    app.go_offline().await;
    phone.click("#on-the-way").await;
    phone.click("#arrived").await;
    phone
        .set(
            &format!("form.meter[data-meter='{meter}'] input[name=value]"),
            "1250.5",
        )
        .await;
    phone
        .click(&format!(
            "form.meter[data-meter='{meter}'] button[type=submit]"
        ))
        .await;
    phone.wait_for_text("Recorded: 1,250.5 L").await;
    assert_eq!(
        phone.queue().await["waiting"],
        3,
        "travel, arrival, reading"
    );
    phone.fits_the_phone().await;
    phone.screenshot("engineer-meter-offline").await;

    app.go_online();
    phone.drained().await;
    let readings = app
        .as_manager()
        .get(&format!("/api/v1/meters/{meter}/readings"))
        .await;
    let readings = readings.body.as_array().unwrap().clone();
    assert_eq!(readings.len(), 2, "stored once: {readings:?}");
    assert_eq!(readings[0]["value"], 1250.5);
    assert_eq!(readings[0]["source"], "engineer");
    phone.close().await;
}
