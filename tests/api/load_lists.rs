//! The load list: what an engineer takes for a day's route, and loading the
//! van in one action — from the warehouse the orders hold their parts at,
//! never counting the van's stock twice, taking nothing the second time.

use orderly::core::role::Role;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::parts_on_orders::{level, order_with_part, receive, step};
use crate::stock::{another_engineer, part, van, warehouse};
use crate::support::{day_ahead, TestApp};
use crate::work_orders::{customer_with_site, engineer_id, window};

on_both_backends!(
    the_van_is_loaded_for_the_day_once,
    a_finished_visit_issues_its_parts_once,
);

/// An order for `q` of `part`, agreed and booked with `engineer` on `day` at `hour`.
async fn booked(
    app: &TestApp,
    part: &str,
    q: f64,
    engineer: &str,
    day: &str,
    hour: &str,
) -> String {
    let (customer, site, _, _) = customer_with_site(app, &format!("Customer {hour}")).await;
    let order = order_with_part(app, &customer, &site, part, q).await;
    step(app, Role::Manager, &order, "agree", json!({})).await;
    step(app, Role::Manager, &order, "send-to-scheduling", json!({})).await;
    let end = format!("{}:30", &hour[..2]);
    let (start, end) = window(day, hour, &end);
    step(
        app,
        Role::Administrator,
        &order,
        "schedule",
        json!({"engineer_id": engineer, "start": start, "end": end}),
    )
    .await;
    order
}

fn line<'a>(list: &'a Value, sku: &str) -> &'a Value {
    list["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == sku)
        .unwrap_or_else(|| panic!("no {sku} in {list}"))
}

async fn the_van_is_loaded_for_the_day_once(app: TestApp) {
    let engineer = engineer_id(&app);
    let (cart, membrane) = (part(&app, "CRT-LOAD").await, part(&app, "MEM-LOAD").await);
    let main = warehouse(&app, "Main warehouse").await;
    let north = warehouse(&app, "North warehouse").await;
    let van = van(&app, &engineer, false).await;
    receive(&app, &main, &cart, 10.0).await;
    receive(&app, &north, &cart, 2.0).await;
    receive(&app, &main, &membrane, 1.0).await;
    receive(&app, &van, &cart, 1.0).await;

    let day = day_ahead(2);
    let first = booked(&app, &cart, 2.0, &engineer, &day, "08:00").await;
    let second = booked(&app, &cart, 1.0, &engineer, &day, "10:00").await;
    booked(&app, &membrane, 1.0, &engineer, &day, "12:00").await;
    // Another day's order: its cartridge is not for this list.
    let later = booked(&app, &cart, 1.0, &engineer, &day_ahead(3), "09:00").await;
    assert_eq!(
        level(&app, &main, &cart).await,
        (10.0, 4.0, 6.0),
        "held at the warehouse with most free"
    );

    let lists = app
        .as_administrator()
        .get(&format!("/api/v1/stock/load-lists?date={day}"))
        .await;
    assert_eq!(lists.status, 200, "{lists:?}");
    assert_eq!(lists.body.as_array().unwrap().len(), 1, "{lists:?}");
    let list = &lists.body[0];
    assert_eq!(list["visits"].as_array().unwrap().len(), 3);
    let crt = line(list, "CRT-LOAD");
    assert_eq!(
        (
            crt["needed"].as_f64(),
            crt["in_van"].as_f64(),
            crt["to_pick"].as_f64()
        ),
        (Some(3.0), Some(1.0), Some(2.0)),
        "{crt}"
    );
    assert_eq!(
        crt["from"],
        json!([{"location_id": main, "location": "Main warehouse", "quantity": 2.0}])
    );
    assert_eq!(line(list, "MEM-LOAD")["to_pick"], 1.0);
    // The engineer sees the same list on the phone.
    let mine = app
        .as_engineer()
        .get(&format!("/api/v1/my/load-list?date={day}"))
        .await;
    assert_eq!(mine.body, *list);

    // Loaded from the phone: two transfers of two rows each, three reservations moved.
    let loaded = app
        .as_engineer()
        .post("/api/v1/my/load-list/load", json!({"date": day}))
        .await;
    assert_eq!(loaded.status, 200, "{loaded:?}");
    assert_eq!(
        loaded["transfers"]["movements"].as_array().unwrap().len(),
        4
    );
    assert_eq!(loaded["reservations_moved"], 3);
    let after = &loaded["list"];
    assert!(
        after["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["to_pick"] == 0.0 && l["in_van"] == l["needed"]),
        "{after}"
    );
    assert_eq!(
        level(&app, &main, &cart).await,
        (8.0, 1.0, 7.0),
        "the later order still holds one"
    );
    assert_eq!(level(&app, &van, &cart).await, (3.0, 3.0, 0.0));
    assert_eq!(level(&app, &main, &membrane).await, (0.0, 0.0, 0.0));

    // Loading again takes nothing.
    let again = app
        .as_administrator()
        .post(
            &format!("/api/v1/stock/load-lists/{engineer}/load"),
            json!({"date": day}),
        )
        .await;
    assert_eq!(
        (
            again.status,
            &again["transfers"],
            &again["reservations_moved"]
        ),
        (200, &Value::Null, &json!(0)),
        "{again:?}"
    );
    assert_eq!(level(&app, &van, &cart).await, (3.0, 3.0, 0.0));

    // The next day's list does not count this day's cartridges in the van as free.
    let next = app
        .as_engineer()
        .get(&format!("/api/v1/my/load-list?date={}", day_ahead(3)))
        .await;
    let crt = line(&next.body, "CRT-LOAD");
    assert_eq!(
        (crt["in_van"].as_f64(), crt["to_pick"].as_f64()),
        (Some(0.0), Some(1.0)),
        "{crt}"
    );
    assert_eq!(crt["from"][0]["location"], "Main warehouse");

    // Rebooked with an engineer without a van: the order's cartridge is let go
    // in the van and held at a warehouse again.
    let other = another_engineer(&app, "second@load.test").await;
    let (start, end) = window(&day, "14:00", "15:00");
    step(
        &app,
        Role::Administrator,
        &second,
        "reschedule",
        json!({"engineer_id": other, "start": start, "end": end}),
    )
    .await;
    assert_eq!(level(&app, &van, &cart).await, (3.0, 2.0, 1.0));
    assert_eq!(level(&app, &main, &cart).await, (8.0, 2.0, 6.0));
    let theirs = app
        .as_manager()
        .get(&format!(
            "/api/v1/stock/load-lists?date={day}&engineer_id={other}"
        ))
        .await;
    assert_eq!(theirs.body[0]["van_id"], Value::Null, "{theirs:?}");
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/stock/load-lists/{other}/load"),
            json!({"date": day}),
        )
        .await;
    assert_eq!((r.status, r.field()), (422, Some("engineer_id")), "{r:?}");

    // More than the warehouses have: the rest is short, nothing is invented.
    booked(&app, &cart, 20.0, &engineer, &day, "16:00").await;
    let short = app
        .as_engineer()
        .get(&format!("/api/v1/my/load-list?date={day}"))
        .await;
    let crt = line(&short.body, "CRT-LOAD");
    assert_eq!(
        (crt["to_pick"].as_f64(), crt["short"].as_f64()),
        (Some(8.0), Some(11.0)),
        "{crt}"
    );

    // Not an engineer: 404; a bad date: named.
    let r = app
        .as_manager()
        .get(&format!(
            "/api/v1/stock/load-lists?date={day}&engineer_id={later}"
        ))
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = app
        .as_manager()
        .get("/api/v1/stock/load-lists?date=2026-13-40")
        .await;
    assert_eq!(r.status, 400, "{r:?}");
    let far = app
        .as_manager()
        .get("/api/v1/stock/load-lists?date=9999-12-31")
        .await;
    assert_eq!((far.status, &far.body), (200, &json!([])), "{far:?}");
    let far = app
        .as_engineer()
        .get("/api/v1/my/load-list?date=9999-12-31")
        .await;
    assert_eq!(
        (far.status, &far.body["lines"]),
        (200, &json!([])),
        "{far:?}"
    );
    // Another engineer's van is loaded only by the office; the engineer's own route loads its own.
    let r = app
        .as_engineer()
        .post(
            &format!("/api/v1/stock/load-lists/{other}/load"),
            json!({"date": day}),
        )
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    let _ = first;
}

async fn a_finished_visit_issues_its_parts_once(app: TestApp) {
    let engineer = engineer_id(&app);
    let cart = part(&app, "CRT-USE").await;
    let valve = part(&app, "VALVE-USE").await;
    let main = warehouse(&app, "Main warehouse").await;
    let van = van(&app, &engineer, false).await;
    receive(&app, &main, &cart, 5.0).await;
    receive(&app, &van, &cart, 2.0).await;
    let day = day_ahead(1);
    let order = booked(&app, &cart, 2.0, &engineer, &day, "09:00").await;
    let loaded = app
        .as_engineer()
        .post("/api/v1/my/load-list/load", json!({"date": day}))
        .await;
    assert_eq!(
        (&loaded["transfers"], &loaded["reservations_moved"]),
        (&Value::Null, &json!(1)),
        "the van had them: {loaded:?}"
    );
    step(&app, Role::Engineer, &order, "start-travel", json!({})).await;
    step(&app, Role::Engineer, &order, "arrive", json!({})).await;

    // The phone used one of the two, and sends the finish twice (a lost answer).
    let v = crate::parts_on_orders::version(&app, &order).await;
    let body = json!({"version": v, "parts_used": [{"part_id": cart, "quantity": 1}],
                      "result_notes": "One cartridge was enough"})
    .to_string();
    let finish = |key: &'static str| {
        let (app, body, order) = (&app, body.clone(), order.clone());
        async move {
            app.as_engineer()
                .send_with_headers(
                    "POST",
                    &format!("/api/v1/work-orders/{order}/actions/finish"),
                    Some(body),
                    &[
                        ("Idempotency-Key", key),
                        ("Content-Type", "application/json"),
                    ],
                )
                .await
        }
    };
    let first = finish("finish-visit-1").await;
    assert_eq!(first.status, 200, "{first:?}");
    let again = finish("finish-visit-1").await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(
        level(&app, &van, &cart).await,
        (1.0, 0.0, 1.0),
        "one issued, the unused one let go"
    );
    assert_eq!(level(&app, &main, &cart).await, (5.0, 0.0, 5.0));
    let issued: Vec<Value> = crate::stock::ledger_rows(&app, &cart)
        .await
        .into_iter()
        .filter(|m| m["kind"] == "issue")
        .collect();
    assert_eq!(issued.len(), 1, "{issued:?}");
    assert_eq!(
        (&issued[0]["quantity"], &issued[0]["work_order_id"]),
        (&json!(-1.0), &json!(order))
    );
    let used = &first["visits"][0]["parts_used"][0];
    assert_eq!(
        (&used["name"], &used["unit_price"], &used["unit_cost"]),
        (&json!("Cartridge set"), &json!(120000), &json!(70000)),
        "{used}"
    );

    // A part back from the visit: at most what it was issued, with the order's id.
    let back = |q: f64| {
        let (app, order, cart, van) = (&app, order.clone(), cart.clone(), van.clone());
        async move {
            app.as_administrator()
                .post("/api/v1/stock/returns", json!({"work_order_id": order, "location_id": van,
                      "reason": "Wrong size, taken out", "lines": [{"part_id": cart, "quantity": q}]}))
                .await
        }
    };
    let r = back(2.0).await;
    assert_eq!(
        (r.status, r.field()),
        (422, Some("lines[0].quantity")),
        "{r:?}"
    );
    let r = back(1.0).await;
    assert_eq!(
        (r.status, &r["movements"][0]["kind"]),
        (201, &json!("return")),
        "{r:?}"
    );
    assert_eq!(level(&app, &van, &cart).await.0, 2.0);
    assert_eq!(back(1.0).await.status, 422, "returned already");
    let r = app
        .as_administrator()
        .post(
            "/api/v1/stock/adjustments",
            json!({"location_id": van, "reason": "Fitted again after all",
              "lines": [{"part_id": cart, "quantity": -1}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");

    // The certificate lists the part with its price.
    step(
        &app,
        Role::Administrator,
        &order,
        "certify",
        json!({"summary": "Cartridge changed"}),
    )
    .await;
    let pdf = crate::certificates::certificate_pdf(&app, &order).await;
    let text = crate::certificates::pdf_text(&pdf.bytes);
    assert!(text.contains("Cartridge set × 1 · 1 200.00 UAH"), "{text}");

    // A part the van does not hold refuses the finish, naming it; nothing changes.
    let other = booked(&app, &cart, 1.0, &engineer, &day, "11:00").await;
    step(&app, Role::Engineer, &other, "start-travel", json!({})).await;
    step(&app, Role::Engineer, &other, "arrive", json!({})).await;
    let v = crate::parts_on_orders::version(&app, &other).await;
    let r = crate::work_orders::act(
        &app,
        Role::Engineer,
        &other,
        "finish",
        json!({"version": v, "parts_used": [{"part_id": valve, "quantity": 1}]}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (409, Some("insufficient_stock")),
        "{r:?}"
    );
    assert_eq!(r.body["error"]["details"]["sku"], "VALVE-USE");
    let still = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{other}"))
        .await;
    assert_eq!(still["work_order"]["status"], "on_site");
    assert_eq!(level(&app, &van, &cart).await, (1.0, 0.0, 1.0));

    // The analytics: the one cartridge used, its price less its cost, by
    // part, by engineer and in this local month; the refused finish adds nothing.
    let report = app.as_manager().get("/api/v1/analytics/parts").await;
    assert_eq!(report.status, 200, "{report:?}");
    assert_eq!(
        (&report["revenue"], &report["cost"], &report["margin"]),
        (&json!(120000), &json!(70000), &json!(50000)),
        "{report:?}"
    );
    assert_eq!(report["parts"][0]["label"], "CRT-USE Cartridge set");
    assert_eq!(report["parts"][0]["quantity"], 1.0);
    assert_eq!(report["engineers"][0]["label"], "engineer");
    let tz = app.state.config().timezone;
    let month = chrono::Utc::now()
        .with_timezone(&tz)
        .format("%Y-%m")
        .to_string();
    assert_eq!(
        report["months"],
        json!([{"key": month, "label": month, "quantity": null, "unit": null,
                                         "revenue": 120000, "cost": 70000, "margin": 50000}])
    );
    let csv = app
        .as_manager()
        .raw(
            "GET",
            "/api/v1/analytics/parts?format=csv&table=engineers",
            None,
            &[],
        )
        .await;
    assert!(
        csv.text.contains("engineer") && csv.text.contains("50000"),
        "{}",
        csv.text
    );
}

/// The issue's demo, through the API: tomorrow's route (or the next with
/// parts) has a load list; the engineer loads the van, uses the part on the
/// phone (the finish sent twice), the certificate lists it and the van's
/// stock goes down once.
#[actix_web::test]
async fn the_demo_engineer_loads_the_van_and_uses_a_cartridge() {
    let app = TestApp::spawn(orderly::store::Backend::Sqlite).await;
    let (pool, state) = (app.state.database.pool.clone(), app.state.clone());
    actix_web::web::block(move || {
        orderly::demo::load(&mut pool.get().unwrap(), &state, 1).unwrap()
    })
    .await
    .unwrap();
    let (day, list) = 'found: {
        for d in 1..=7 {
            let day = day_ahead(d);
            let lists = app
                .as_administrator()
                .get(&format!("/api/v1/stock/load-lists?date={day}"))
                .await;
            assert_eq!(lists.status, 200, "{lists:?}");
            for list in lists.body.as_array().unwrap() {
                if list["lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["to_pick"].as_f64() > Some(0.0))
                {
                    break 'found (day, list.clone());
                }
            }
        }
        panic!("no load list with anything to pick in the coming week");
    };
    let picked = list["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["to_pick"].as_f64() > Some(0.0))
        .unwrap();
    assert_eq!(picked["from"][0]["location"], "Main warehouse", "{list}");
    let engineer = list["engineer_id"].as_str().unwrap();
    let email = app
        .as_owner()
        .get(&format!("/api/v1/users/{engineer}"))
        .await["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let login = app.login(&email, orderly::demo::DEMO_PASSWORD).await;
    let phone = app.with_token(login["access_token"].as_str().unwrap());

    let loaded = phone
        .post("/api/v1/my/load-list/load", json!({"date": day}))
        .await;
    assert_eq!(loaded.status, 200, "{loaded:?}");
    assert!(
        loaded["transfers"]["movements"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "{loaded:?}"
    );
    let van = list["van_id"].as_str().unwrap();

    // The first visit that puts in a part, done on the phone as the checklist sends it.
    let visits = phone.get(&format!("/api/v1/my/visits?date={day}")).await;
    let visit = visits
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|v| {
            v["work_order"]["scope_lines"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["part_id"].is_string())
        })
        .expect("a visit with a part")
        .clone();
    let order = visit["work_order"]["id"].as_str().unwrap().to_owned();
    let line = visit["work_order"]["scope_lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["part_id"].is_string())
        .unwrap()
        .clone();
    let part = line["part_id"].as_str().unwrap().to_owned();
    let before = level(&app, van, &part).await;
    for action in ["start-travel", "arrive"] {
        let v = crate::parts_on_orders::version(&app, &order).await;
        let r = phone
            .post(
                &format!("/api/v1/work-orders/{order}/actions/{action}"),
                json!({"version": v}),
            )
            .await;
        assert_eq!(r.status, 200, "{action}: {r:?}");
    }
    let v = crate::parts_on_orders::version(&app, &order).await;
    let body = json!({"version": v, "parts_used": [{"part_id": part, "name": line["description"], "quantity": line["quantity"]}]}).to_string();
    for _ in 0..2 {
        let r = phone
            .send_with_headers(
                "POST",
                &format!("/api/v1/work-orders/{order}/actions/finish"),
                Some(body.clone()),
                &[
                    ("Idempotency-Key", "demo-finish"),
                    ("Content-Type", "application/json"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    let after = level(&app, van, &part).await;
    assert_eq!(
        after.0,
        before.0 - line["quantity"].as_f64().unwrap(),
        "issued once: {before:?} → {after:?}"
    );

    step(
        &app,
        Role::Administrator,
        &order,
        "certify",
        json!({"summary": "Serviced"}),
    )
    .await;
    let pdf = crate::certificates::certificate_pdf(&app, &order).await;
    let text = crate::certificates::pdf_text(&pdf.bytes);
    let name = app.as_manager().get(&format!("/api/v1/parts/{part}")).await["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains(&format!("{name} × 1 ·")), "{text}");
}

/// Sends an office form and waits for the page to load again after it (the
/// office's script reloads on success), so the next visit is not overtaken
/// by that reload.
async fn submit_and_reload(b: &crate::browser::Browser, button: &str) {
    b.client
        .execute("window.beforeReload = true;", vec![])
        .await
        .unwrap();
    b.click(button).await;
    for _ in 0..100 {
        let fresh = b
            .client
            .execute(
                "return window.beforeReload === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if fresh.is_ok_and(|v| v == json!(true)) {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page did not load again after `{button}`");
}

/// Waits until a part's quantity on hand at a location reaches `want`.
async fn on_hand_becomes(app: &TestApp, location: &str, part: &str, want: f64) {
    for _ in 0..100 {
        if level(app, location, part).await.0 == want {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "{part} at {location} never reached {want}: {:?}",
        level(app, location, part).await
    );
}

/// In a browser: the engineer's load list on the phone and "van loaded", the
/// visit's checklist with its part, finished once; the office's load list with
/// "Load the van", the stock page with a count entered, a part's ledger.
#[actix_web::test]
async fn the_load_list_and_the_checklist_in_a_browser() {
    use chrono::TimeZone;
    let app = TestApp::spawn(orderly::store::Backend::Sqlite).await;
    let engineer = engineer_id(&app);
    let cart = part(&app, "CRT-WEB").await;
    let main = warehouse(&app, "Main warehouse").await;
    let van = van(&app, &engineer, false).await;
    receive(&app, &main, &cart, 10.0).await;
    // Today at noon (company time), two cartridges; tomorrow one more.
    let tz = app.state.config().timezone;
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let noon = tz
        .from_local_datetime(&today.and_hms_opt(12, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&chrono::Utc);
    let (customer, site, _, _) = customer_with_site(&app, "Olena Kovalenko").await;
    let order = order_with_part(&app, &customer, &site, &cart, 2.0).await;
    step(&app, Role::Manager, &order, "agree", json!({})).await;
    step(&app, Role::Manager, &order, "send-to-scheduling", json!({})).await;
    step(
        &app,
        Role::Administrator,
        &order,
        "schedule",
        json!({"engineer_id": engineer, "start": noon, "end": noon + chrono::Duration::hours(1)}),
    )
    .await;
    let tomorrow = today + chrono::Days::new(1);
    booked(&app, &cart, 1.0, &engineer, &tomorrow.to_string(), "09:00").await;

    // The phone: today's load list, "van loaded".
    let phone = crate::engineer_app::Phone::phone().await;
    crate::engineer_app::sign_in(&phone, &app).await;
    let card = phone.css("#load-list").await.text().await.unwrap();
    assert!(
        card.contains("2 × Cartridge set") && card.contains("Main warehouse"),
        "{card}"
    );
    phone.screenshot("engineer-load-list").await;
    phone.click("#load-van").await;
    phone.css("#loaded").await;
    phone.drained().await;
    on_hand_becomes(&app, &van, &cart, 2.0).await;

    // The visit: the cartridge line is marked as coming from the van; finished once.
    let visit = app.as_engineer().get("/api/v1/my/visits").await.body[0]["visit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    phone
        .click(&format!("article[data-visit='{visit}'] a.open"))
        .await;
    phone.css("#on-the-way").await.click().await.unwrap();
    phone.css("#arrived").await.click().await.unwrap();
    let checklist = phone.css("form#finish").await.text().await.unwrap();
    assert!(
        checklist.contains("Cartridge set · from the van"),
        "{checklist}"
    );
    phone.screenshot("engineer-checklist").await;
    phone.click("form#finish button.primary").await;
    phone.css("#done").await;
    phone.drained().await;
    on_hand_becomes(&app, &van, &cart, 0.0).await;
    phone.close().await;

    // The office: tomorrow's load list, loaded from the page.
    let b = crate::browser::Browser::desktop().await;
    crate::office::office_sign_in(&b, &app, Role::Administrator).await;
    b.visit(&app.base, &format!("/office/load-lists?date={tomorrow}"))
        .await;
    let text = b.text().await;
    assert!(
        text.contains("CRT-WEB") && text.contains("Main warehouse: 1"),
        "{text}"
    );
    b.screenshot("office-load-list").await;
    submit_and_reload(&b, "section.load-list form button.primary").await;
    on_hand_becomes(&app, &van, &cart, 1.0).await;

    // The stock page: what runs low first (a minimum above what is free),
    // then a count of the warehouse entered in its table.
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/stock-locations/{main}/minimums"),
            json!({"part_id": cart, "minimum": 9}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    b.visit(&app.base, &format!("/office/stock?location={main}"))
        .await;
    let low = b.css("#alerts").await.text().await.unwrap();
    assert!(
        low.contains("CRT-WEB") && low.contains("Main warehouse"),
        "{low}"
    );
    b.css("#count").await;
    b.set("input[name='lines[0].quantity']", "6").await;
    b.screenshot("office-stock").await;
    submit_and_reload(&b, "#count button.primary").await;
    on_hand_becomes(&app, &main, &cart, 6.0).await;
    b.visit(&app.base, &format!("/office/parts/{cart}")).await;
    let text = b.text().await;
    for kind in ["Count", "Issue", "Transfer out", "Reservation", "Receipt"] {
        assert!(text.contains(kind), "{kind} in {text}");
    }
    b.screenshot("office-part-movements").await;
    b.close().await;
}
