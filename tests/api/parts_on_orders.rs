//! Parts on orders: a scope line names a catalogue part and takes its price;
//! an agreed order holds its parts at a warehouse, and lets them go when it
//! is postponed or cancelled — every promise a ledger row, what is on hand
//! untouched.

use orderly::core::role::Role;
use serde_json::{json, Value};

use crate::maintenance;
use crate::on_both_backends;
use crate::stock::{ledger_rows, part, warehouse};
use crate::support::{day_ahead, TestApp};
use crate::work_orders::{act, customer_with_site, engineer_id, window};

on_both_backends!(
    a_plan_names_the_parts_its_orders_carry,
    a_scope_line_takes_its_part_and_price,
    an_agreed_order_holds_its_parts_until_it_lets_them_go,
    promises_beyond_the_stock_are_bought_for,
);

/// Goods in: `quantity` of `part` at `location`.
pub(crate) async fn receive(app: &TestApp, location: &str, part: &str, quantity: f64) {
    let r = app
        .as_administrator()
        .post(
            "/api/v1/stock/receipts",
            json!({"location_id": location, "lines": [{"part_id": part, "quantity": quantity}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
}

/// A new order whose scope puts in `quantity` of `part` plus an hour of labour.
pub(crate) async fn order_with_part(
    app: &TestApp,
    customer: &str,
    site: &str,
    part: &str,
    q: f64,
) -> String {
    let r = app
        .as_manager()
        .post(
            "/api/v1/work-orders",
            json!({"customer_id": customer, "site_id": site, "estimated_minutes": 60,
                   "scope_lines": [
                       {"description": "Cartridge set", "quantity": q, "part_id": part},
                       {"description": "Labour", "quantity": 1, "unit_price": 50000}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r["work_order"]["id"].as_str().unwrap().to_owned()
}

/// (on hand, reserved, available) of a part at a location.
pub(crate) async fn level(app: &TestApp, location: &str, part: &str) -> (f64, f64, f64) {
    let r = app
        .as_manager()
        .get(&format!("/api/v1/stock-locations/{location}/stock"))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let line = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["part_id"] == part)
        .cloned()
        .unwrap_or(json!({"on_hand": 0.0, "reserved": 0.0, "available": 0.0}));
    let f = |k: &str| line[k].as_f64().unwrap();
    (f("on_hand"), f("reserved"), f("available"))
}

pub(crate) async fn version(app: &TestApp, order: &str) -> Value {
    let r = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    r["work_order"]["version"].clone()
}

/// Takes an action at the order's current version and expects it to pass.
pub(crate) async fn step(
    app: &TestApp,
    role: Role,
    order: &str,
    action: &str,
    mut body: Value,
) -> Value {
    body["version"] = version(app, order).await;
    let r = act(app, role, order, action, body).await;
    assert_eq!(r.status, 200, "{action}: {r:?}");
    r.body
}

async fn a_scope_line_takes_its_part_and_price(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "Ірина Бондар").await;
    let cart = part(&app, "CRT-ORD").await;
    let order = order_with_part(&app, &customer, &site, &cart, 2.0).await;
    let detail = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let line = &detail["work_order"]["scope_lines"][0];
    assert_eq!(
        (line["unit_price"].as_i64(), &line["part_id"]),
        (Some(120000), &json!(cart))
    );
    assert_eq!(detail["work_order"]["total"], 2 * 120000 + 50000);
    // A new order promises nothing yet.
    assert_eq!(detail["parts"][0]["sku"], "CRT-ORD");
    assert_eq!(detail["parts"][0]["quantity"], 2.0);
    assert_eq!(detail["parts"][0]["reserved"], 0.0);

    // The catalogue's price may be changed on the line; a negative one may not.
    let post = |lines: Value| {
        let app = &app;
        let body = json!({"customer_id": customer, "site_id": site, "scope_lines": lines});
        async move { app.as_manager().post("/api/v1/work-orders", body).await }
    };
    let r =
        post(json!([{"description": "Set", "quantity": 1, "part_id": cart, "unit_price": 99000}]))
            .await;
    assert_eq!(r["work_order"]["total"], 99000, "{r:?}");
    for (lines, field) in [
        (
            json!([{"description": "Labour", "quantity": 1}]),
            "scope_lines[0].unit_price",
        ),
        (
            json!([{"description": "Set", "quantity": 1, "part_id": cart, "unit_price": -1}]),
            "scope_lines[0].unit_price",
        ),
        (
            json!([{"description": "Labour", "quantity": 1, "unit_price": 1},
                   {"description": "Set", "quantity": 1, "part_id": orderly::core::ids::PartId::new()}]),
            "scope_lines[1].part_id",
        ),
        (
            json!([{"description": "Set", "quantity": 1, "part_id": "not-an-id"}]),
            "scope_lines[0].part_id",
        ),
    ] {
        let r = post(lines).await;
        assert!(matches!(r.status, 400 | 422), "{r:?}");
        assert_eq!(r.field(), Some(field), "{r:?}");
    }
    // An archived part is no longer offered.
    let mut archived = app
        .as_administrator()
        .get(&format!("/api/v1/parts/{cart}"))
        .await
        .body;
    for k in ["id", "currency", "created_at", "updated_at"] {
        archived.as_object_mut().unwrap().remove(k);
    }
    archived["active"] = json!(false);
    let r = app
        .as_administrator()
        .put(&format!("/api/v1/parts/{cart}"), archived)
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = post(json!([{"description": "Set", "quantity": 1, "part_id": cart}])).await;
    assert_eq!(
        (r.status, r.field()),
        (422, Some("scope_lines[0].part_id")),
        "{r:?}"
    );
}

async fn an_agreed_order_holds_its_parts_until_it_lets_them_go(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "Олег Мельник").await;
    let cart = part(&app, "CRT-RES").await;
    let store = warehouse(&app, "Main warehouse").await;
    receive(&app, &store, &cart, 5.0).await;
    let order = order_with_part(&app, &customer, &site, &cart, 2.0).await;
    assert_eq!(level(&app, &store, &cart).await, (5.0, 0.0, 5.0));

    let agreed = step(&app, Role::Manager, &order, "agree", json!({})).await;
    assert_eq!(agreed["parts"][0]["reserved"], 2.0);
    assert_eq!(agreed["parts"][0]["location"], "Main warehouse");
    assert_eq!(level(&app, &store, &cart).await, (5.0, 2.0, 3.0));

    // Agreed again with three: one more is held, not three more.
    let lines = json!([{"description": "Cartridge set", "quantity": 3, "part_id": cart}]);
    step(
        &app,
        Role::Manager,
        &order,
        "agree",
        json!({"scope_lines": lines}),
    )
    .await;
    assert_eq!(level(&app, &store, &cart).await, (5.0, 3.0, 2.0));

    // Postponed: let go for others; reopened: held again.
    let until = day_ahead(30);
    step(
        &app,
        Role::Manager,
        &order,
        "postpone",
        json!({"until": until, "reason": "Customer away"}),
    )
    .await;
    assert_eq!(level(&app, &store, &cart).await, (5.0, 0.0, 5.0));
    step(&app, Role::Manager, &order, "reopen", json!({})).await;
    assert_eq!(level(&app, &store, &cart).await, (5.0, 3.0, 2.0));

    // Booked, rebooked, no access: still held at the warehouse.
    step(&app, Role::Manager, &order, "send-to-scheduling", json!({})).await;
    let (start, end) = window(&day_ahead(3), "08:00", "09:00");
    let engineer = engineer_id(&app);
    step(
        &app,
        Role::Administrator,
        &order,
        "schedule",
        json!({"engineer_id": engineer, "start": start, "end": end}),
    )
    .await;
    let (start, end) = window(&day_ahead(4), "10:00", "11:00");
    step(
        &app,
        Role::Administrator,
        &order,
        "reschedule",
        json!({"engineer_id": engineer, "start": start, "end": end}),
    )
    .await;
    assert_eq!(level(&app, &store, &cart).await, (5.0, 3.0, 2.0));
    step(&app, Role::Engineer, &order, "start-travel", json!({})).await;
    step(
        &app,
        Role::Engineer,
        &order,
        "no-access",
        json!({"reason": "Nobody home"}),
    )
    .await;
    assert_eq!(level(&app, &store, &cart).await, (5.0, 3.0, 2.0));

    // Cancelled: everything let go.
    let cancelled = step(
        &app,
        Role::Manager,
        &order,
        "cancel",
        json!({"reason": "Sold the house"}),
    )
    .await;
    assert_eq!(cancelled["parts"][0]["reserved"], 0.0);
    assert_eq!(level(&app, &store, &cart).await, (5.0, 0.0, 5.0));

    // The ledger tells the story; promises never moved what is on hand.
    let rows = ledger_rows(&app, &cart).await;
    let story: Vec<(&str, f64)> = rows
        .iter()
        .rev()
        .map(|m| (m["kind"].as_str().unwrap(), m["quantity"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        story,
        [
            ("receipt", 5.0),
            ("reservation", 2.0),
            ("reservation", 1.0),
            ("release", -3.0),
            ("reservation", 3.0),
            ("release", -3.0)
        ]
    );
    assert!(rows
        .iter()
        .filter(|m| m["kind"] != "receipt")
        .all(|m| m["work_order_id"] == order.as_str() && m["on_hand_after"] == 5.0));
}

async fn promises_beyond_the_stock_are_bought_for(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "Марія Шевчук").await;
    let cart = part(&app, "CRT-SHORT").await;
    let store = warehouse(&app, "Main warehouse").await;
    receive(&app, &store, &cart, 1.0).await;
    // Agreeing is never refused for want of stock: the shortfall shows.
    let order = order_with_part(&app, &customer, &site, &cart, 3.0).await;
    step(&app, Role::Manager, &order, "agree", json!({})).await;
    assert_eq!(level(&app, &store, &cart).await, (1.0, 3.0, -2.0));
    let low = app
        .as_manager()
        .get(&format!("/api/v1/stock-locations/{store}/stock?low=true"))
        .await;
    assert_eq!(low["items"][0]["part_id"], cart.as_str(), "{low:?}");
    let list = app
        .as_manager()
        .get(&format!("/api/v1/stock-locations/{store}/purchase-list"))
        .await;
    assert_eq!(list.status, 200, "{list:?}");
    assert_eq!(list.body[0]["to_order"], 2.0, "{list:?}");
    assert_eq!(list.body[0]["line_cost"], 2 * 70000);

    // The administrators' alert: one while it runs low, gone when it does not.
    let alerts = app.as_administrator().get("/api/v1/stock/alerts").await;
    assert_eq!(alerts.status, 200, "{alerts:?}");
    assert_eq!(alerts.body.as_array().unwrap().len(), 1, "{alerts:?}");
    assert_eq!(
        (&alerts.body[0]["sku"], &alerts.body[0]["to_order"]),
        (&json!("CRT-SHORT"), &json!(2.0))
    );
    receive(&app, &store, &cart, 5.0).await;
    let alerts = app.as_administrator().get("/api/v1/stock/alerts").await;
    assert_eq!(alerts.body, json!([]), "received: no longer low");
    // A minimum above what is free opens it again; a transfer that keeps it low keeps one.
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/stock-locations/{store}/minimums"),
            json!({"part_id": cart, "minimum": 4}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let van = crate::stock::van(&app, &crate::work_orders::engineer_id(&app), false).await;
    let r = app
        .as_administrator()
        .post(
            "/api/v1/stock/transfers",
            json!({"from_location_id": store, "to_location_id": van,
              "lines": [{"part_id": cart, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let alerts = app.as_administrator().get("/api/v1/stock/alerts").await;
    assert_eq!(alerts.body.as_array().unwrap().len(), 1, "{alerts:?}");
    // 5 on hand, 3 promised: 2 free, 2 to buy back to the minimum of 4.
    assert_eq!(alerts.body[0]["to_order"], 2.0, "{alerts:?}");
}

async fn a_plan_names_the_parts_its_orders_carry(app: TestApp) {
    let (customer, item) = maintenance::equipment(&app, "2026-01-31").await;
    let cart = part(&app, "CRT-PLAN").await;
    let plan = maintenance::plan(
        &app,
        &item,
        json!({"service_kind": "Cartridge change",
        "recurrence": "after_completion", "every": 6, "unit": "months",
        "scope_lines": [{"description": "Cartridge set", "quantity": 1, "part_id": cart},
                        {"description": "Labour", "quantity": 1, "unit_price": 40000}]}),
    )
    .await;
    assert_eq!(plan["scope_lines"][0]["unit_price"], 120000, "{plan:?}");
    assert_eq!(
        maintenance::tick(&app, maintenance::noon(2026, 12, 20)).await,
        1
    );
    let reminder = &maintenance::maintenance_reminders(&app, &customer).await[0];
    let converted = app
        .as_manager()
        .post(
            &format!(
                "/api/v1/reminders/{}/convert",
                reminder["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(converted.status, 201, "{converted:?}");
    assert_eq!(
        converted["work_order"]["scope_lines"][0]["part_id"],
        cart.as_str()
    );
    assert_eq!(converted["parts"][0]["sku"], "CRT-PLAN");
    // A plan may not name a part that is not in the catalogue.
    let r = app
        .as_manager()
        .post(&format!("/api/v1/equipment/{item}/plans"), json!({"service_kind": "x",
            "recurrence": "after_completion", "every": 6, "unit": "months",
            "scope_lines": [{"description": "Set", "quantity": 1, "part_id": orderly::core::ids::PartId::new()}]}))
        .await;
    assert_eq!(
        (r.status, r.field()),
        (422, Some("scope_lines[0].part_id")),
        "{r:?}"
    );
}

/// The office's order page: the scope's part chosen in each row, agreeing
/// from the page keeps it (and holds it); a new row takes a part and the
/// catalogue's price when its price is left blank.
#[actix_web::test]
async fn the_office_agrees_an_order_and_keeps_its_part() {
    let app = TestApp::spawn(orderly::store::Backend::Sqlite).await;
    let (customer, site, _, _) = customer_with_site(&app, "Ірина Бондар").await;
    let cart = part(&app, "CRT-PAGE").await;
    let store = warehouse(&app, "Main warehouse").await;
    receive(&app, &store, &cart, 5.0).await;
    let order = order_with_part(&app, &customer, &site, &cart, 2.0).await;
    let b = crate::browser::Browser::desktop().await;
    crate::office::office_sign_in(&b, &app, Role::Manager).await;
    b.visit(&app.base, &format!("/office/orders/{order}")).await;
    let chosen = b
        .client
        .execute(
            "return document.querySelector(\"#agree select[name='scope_lines[0].part_id']\").value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(chosen, json!(cart));
    // A third row: the same part's sibling chosen, its price left blank.
    b.click("#agree button[data-add-line]").await;
    b.set(
        "#agree input[name='scope_lines[2].description']",
        "Spare cartridge",
    )
    .await;
    b.set("#agree input[name='scope_lines[2].quantity']", "1")
        .await;
    b.set("#agree select[name='scope_lines[2].part_id']", &cart)
        .await;
    b.screenshot("office-order-parts").await;
    b.click("#agree button.primary").await;
    for _ in 0..50 {
        if level(&app, &store, &cart).await.1 == 3.0 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let detail = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let lines = &detail["work_order"]["scope_lines"];
    assert_eq!(
        (&lines[0]["part_id"], &lines[2]["part_id"]),
        (&json!(cart), &json!(cart)),
        "{detail:?}"
    );
    assert_eq!(lines[2]["unit_price"], 120000, "the catalogue's price");
    assert_eq!(detail["work_order"]["status"], "agreed");
    assert_eq!(
        level(&app, &store, &cart).await,
        (5.0, 3.0, 2.0),
        "held: 2 + 1"
    );
    b.close().await;
}
