//! Parts and stock: the catalogue, locations, the ledger and its rules — all
//! or nothing, never below zero unless allowed, the last unit to one taker.

use orderly::core::role::Role;
use orderly::store::Backend;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::work_orders::engineer_id;

fn cartridge(sku: &str) -> Value {
    json!({"sku": sku, "name": "Cartridge set", "names": {"uk": "Набір картриджів"},
           "unit": "set", "kind": "cartridge", "price": 120000, "cost": 70000,
           "compatible": ["RO filter"], "barcode": null})
}

pub(crate) async fn part(app: &TestApp, sku: &str) -> String {
    let r = app
        .as_administrator()
        .post("/api/v1/parts", cartridge(sku))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn warehouse(app: &TestApp, name: &str) -> String {
    let r = app
        .as_administrator()
        .post(
            "/api/v1/stock-locations",
            json!({"kind": "warehouse", "name": name, "address": "Kyiv, Kyrylivska 1"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn van(app: &TestApp, engineer: &str, allow_negative: bool) -> String {
    let r = app
        .as_administrator()
        .post(
            "/api/v1/stock-locations",
            json!({"kind": "van", "name": format!("Van {engineer}"), "engineer_id": engineer,
                   "allow_negative": allow_negative}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r["id"].as_str().unwrap().to_owned()
}

/// A second engineer, for a second van.
pub(crate) async fn another_engineer(app: &TestApp, email: &str) -> String {
    let r = app
        .as_owner()
        .post(
            "/api/v1/users",
            json!({"email": email, "name": "Second engineer", "password": "engineer-password-2",
                   "roles": ["engineer"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn on_hand(app: &TestApp, location: &str, part: &str) -> f64 {
    let r = app
        .as_manager()
        .get(&format!("/api/v1/stock-locations/{location}/stock"))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["part_id"] == part)
        .map_or(0.0, |l| l["on_hand"].as_f64().unwrap())
}

pub(crate) async fn ledger_rows(app: &TestApp, part: &str) -> Vec<Value> {
    let r = app
        .as_manager()
        .get(&format!("/api/v1/parts/{part}/movements?limit=200"))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r["items"].as_array().unwrap().clone()
}

async fn a_part_is_catalogued_and_found(app: TestApp) {
    let admin = app.as_administrator();
    let made = admin.post("/api/v1/parts", cartridge(" crt-3 ")).await;
    assert_eq!(made.status, 201, "{made:?}");
    assert_eq!(made["sku"], "CRT-3");
    assert_eq!(made["currency"], "UAH");
    let id = made["id"].as_str().unwrap();

    let again = admin.post("/api/v1/parts", cartridge("Crt-3")).await;
    assert_eq!((again.status, again.code()), (409, Some("code_taken")));
    for (field, bad) in [
        ("price", json!(-5)),
        ("sku", json!("=HYPERLINK(\"x\")")),
        ("kind", json!("gadget")),
    ] {
        let mut body = cartridge("CRT-4");
        body[field] = bad;
        let r = admin.post("/api/v1/parts", body).await;
        assert!(matches!(r.status, 400 | 422), "{field}: {r:?}");
        assert_eq!(r.field(), Some(field), "{r:?}");
    }
    let mut names = cartridge("CRT-4");
    names["names"] = json!({"xx": "?"});
    assert_eq!(
        admin.post("/api/v1/parts", names).await.field(),
        Some("names.xx")
    );

    let found = app
        .as_manager()
        .get("/api/v1/parts?q=%D0%BA%D0%B0%D1%80%D1%82%D1%80%D0%B8%D0%B4%D0%B6")
        .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found:?}");

    let mut changed = cartridge("CRT-3");
    changed["price"] = json!(125000);
    changed["active"] = json!(false);
    let r = admin.put(&format!("/api/v1/parts/{id}"), changed).await;
    assert_eq!(
        (r.status, r["price"].as_i64()),
        (200, Some(125000)),
        "{r:?}"
    );
    let listed = app.as_manager().get("/api/v1/parts").await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "archived: {listed:?}"
    );
    let all = app.as_manager().get("/api/v1/parts?archived=true").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);

    // An archived part is not moved.
    let store = warehouse(&app, "Main").await;
    let r = admin
        .post(
            "/api/v1/stock/receipts",
            json!({"location_id": store, "lines": [{"part_id": id, "quantity": 1}]}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (422, Some("lines[0].part_id")),
        "{r:?}"
    );
}

async fn stock_moves_through_the_ledger(app: TestApp) {
    let admin = app.as_administrator();
    let (cart, hose) = (part(&app, "CRT-1").await, part(&app, "HOSE-6MM").await);
    let store = warehouse(&app, "Main warehouse").await;
    let engineer = engineer_id(&app);
    let van = van(&app, &engineer, false).await;

    let r = admin
        .post(
            "/api/v1/stock/receipts",
            json!({"location_id": store, "reason": "Invoice 2026/114",
                   "lines": [{"part_id": cart, "quantity": 10}, {"part_id": hose, "quantity": 2.5}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r["movements"][1]["on_hand_after"], 2.5);
    let r = admin
        .post(
            "/api/v1/stock/transfers",
            json!({"from_location_id": store, "to_location_id": van,
                   "lines": [{"part_id": cart, "quantity": 3}, {"part_id": hose, "quantity": 0.75}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let kinds: Vec<&str> = r["movements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["transfer_out", "transfer_in", "transfer_out", "transfer_in"]
    );
    assert_eq!(on_hand(&app, &store, &hose).await, 1.75);

    // More than the warehouse holds: refused whole, with what it holds.
    let before = ledger_rows(&app, &cart).await.len();
    let r = admin
        .post(
            "/api/v1/stock/transfers",
            json!({"from_location_id": store, "to_location_id": van,
                   "lines": [{"part_id": hose, "quantity": 1}, {"part_id": cart, "quantity": 20}]}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (409, Some("insufficient_stock")),
        "{r:?}"
    );
    assert_eq!(r.body["error"]["details"]["on_hand"], 7.0, "{r:?}");
    assert_eq!(r.body["error"]["details"]["sku"], "CRT-1");
    assert_eq!(on_hand(&app, &store, &hose).await, 1.75, "nothing moved");
    assert_eq!(ledger_rows(&app, &cart).await.len(), before);

    // A correction needs its reason; a count records the difference.
    let broken = json!({"location_id": van, "lines": [{"part_id": cart, "quantity": -1}]});
    let r = admin
        .post("/api/v1/stock/adjustments", broken.clone())
        .await;
    assert_eq!(r.field(), Some("reason"), "{r:?}");
    let mut with_reason = broken;
    with_reason["reason"] = json!("cracked housing");
    assert_eq!(
        admin
            .post("/api/v1/stock/adjustments", with_reason)
            .await
            .status,
        201
    );
    let r = admin
        .post(
            "/api/v1/stock/counts",
            json!({"location_id": van, "lines": [{"part_id": cart, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r["movements"][0]["quantity"], -1.0, "counted 1 of 2");
    assert_eq!(on_hand(&app, &van, &cart).await, 1.0);
    let r = admin
        .post(
            "/api/v1/stock/counts",
            json!({"location_id": van, "lines": [{"part_id": cart, "quantity": -1}]}),
        )
        .await;
    assert_eq!(r.field(), Some("lines[0].quantity"), "{r:?}");
    for (body, field) in [
        (
            json!({"location_id": van, "lines": [{"part_id": cart, "quantity": 0.0001}]}),
            "lines[0].quantity",
        ),
        (json!({"location_id": van, "lines": []}), "lines"),
        (
            json!({"location_id": "nope", "lines": [{"part_id": cart, "quantity": 1}]}),
            "location_id",
        ),
    ] {
        let r = admin.post("/api/v1/stock/receipts", body).await;
        assert_eq!((r.status, r.field()), (422, Some(field)), "{r:?}");
    }

    // The part's ledger, newest first, with who did each.
    let rows = ledger_rows(&app, &cart).await;
    let kinds: Vec<&str> = rows.iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "count",
            "adjustment",
            "transfer_in",
            "transfer_out",
            "receipt"
        ]
    );
    assert_eq!(rows[1]["reason"], "cracked housing");
    assert!(rows[0]["actor_name"].is_string(), "{:?}", rows[0]);
    let at = app
        .as_manager()
        .get(&format!("/api/v1/parts/{cart}/stock"))
        .await;
    let mut places: Vec<(String, f64)> = at
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().to_owned(),
                p["on_hand"].as_f64().unwrap(),
            )
        })
        .collect();
    places.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(places, [("van".into(), 1.0), ("warehouse".into(), 7.0)]);

    // A minimum makes the part low.
    let r = admin
        .post(
            &format!("/api/v1/stock-locations/{store}/minimums"),
            json!({"part_id": cart, "minimum": 8}),
        )
        .await;
    assert_eq!((r.status, r["low"].as_bool()), (200, Some(true)), "{r:?}");
    let low = app
        .as_manager()
        .get(&format!("/api/v1/stock-locations/{store}/stock?low=true"))
        .await;
    let low: Vec<&Value> = low["items"].as_array().unwrap().iter().collect();
    assert_eq!(low.len(), 1);
    assert_eq!(low[0]["sku"], "CRT-1");

    // One van per engineer, and only an engineer has one.
    let r = admin
        .post(
            "/api/v1/stock-locations",
            json!({"kind": "van", "name": "Second van", "engineer_id": engineer}),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, Some("van_exists")), "{r:?}");
    let manager = app.users[&Role::Manager].0.clone();
    let r = admin
        .post(
            "/api/v1/stock-locations",
            json!({"kind": "van", "name": "Manager's car", "engineer_id": manager}),
        )
        .await;
    assert_eq!((r.status, r.field()), (422, Some("engineer_id")), "{r:?}");

    // An archived location takes no more movements.
    let r = admin
        .put(
            &format!("/api/v1/stock-locations/{store}"),
            json!({"kind": "warehouse", "name": "Main warehouse", "active": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = admin
        .post(
            "/api/v1/stock/receipts",
            json!({"location_id": store, "lines": [{"part_id": cart, "quantity": 1}]}),
        )
        .await;
    assert_eq!((r.status, r.field()), (422, Some("location_id")), "{r:?}");
}

async fn a_van_may_allow_negative_stock(app: TestApp) {
    let cart = part(&app, "CRT-2").await;
    let van = van(&app, &engineer_id(&app), true).await;
    let r = app
        .as_administrator()
        .post(
            "/api/v1/stock/adjustments",
            json!({"location_id": van, "reason": "fitted before the delivery was booked",
                   "lines": [{"part_id": cart, "quantity": -2}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(on_hand(&app, &van, &cart).await, -2.0);
}

/// One unit in the warehouse; eight transfers of it at once, to two vans
/// (on PostgreSQL through two server instances): exactly one wins.
async fn the_last_unit_goes_to_exactly_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let second = match backend {
        Backend::Postgres => Some(app.another_instance(&[])),
        Backend::Sqlite => None,
    };
    let cart = part(&app, "CRT-LAST").await;
    let store = warehouse(&app, "Main").await;
    let vans = [
        van(&app, &engineer_id(&app), false).await,
        van(
            &app,
            &another_engineer(&app, "second@orderly.test").await,
            false,
        )
        .await,
    ];
    let r = app
        .as_administrator()
        .post(
            "/api/v1/stock/receipts",
            json!({"location_id": store, "lines": [{"part_id": cart, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status, 201);
    let instances: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();
    let (from, unit) = (&store, &cart);
    let answers = futures_util::future::join_all((0..8).map(|i| {
        let (server, to) = (instances[i % instances.len()], &vans[i % 2]);
        async move {
            server
                .as_administrator()
                .post(
                    "/api/v1/stock/transfers",
                    json!({"from_location_id": from, "to_location_id": to,
                           "lines": [{"part_id": unit, "quantity": 1}]}),
                )
                .await
        }
    }))
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [201, 409, 409, 409, 409, 409, 409, 409],
        "{answers:?}"
    );
    assert_eq!(on_hand(&app, &store, &cart).await, 0.0);
    let in_vans = on_hand(&app, &vans[0], &cart).await + on_hand(&app, &vans[1], &cart).await;
    assert_eq!(in_vans, 1.0);
    assert_eq!(
        ledger_rows(&app, &cart).await.len(),
        3,
        "the receipt and one transfer"
    );
}

/// The purchase list: what runs low at a warehouse, to its minimum, costed per
/// line; as CSV a name that looks like a formula stays text.
async fn a_warehouse_buys_back_to_its_minimums(app: TestApp) {
    let store = warehouse(&app, "Main").await;
    let admin = app.as_administrator();
    let mut low = cartridge("CRT-LOW");
    low["cost"] = json!(45000);
    let low = admin.post("/api/v1/parts", low).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let plenty = part(&app, "CRT-PLENTY").await;
    let mut odd = cartridge("HOSE-1");
    odd["name"] = json!("=HYPERLINK(\"http://x\")");
    odd["unit"] = json!("m");
    odd["cost"] = json!(399);
    let odd = admin.post("/api/v1/parts", odd).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = admin
        .post(
            "/api/v1/stock/receipts",
            json!({"location_id": store, "lines": [{"part_id": low, "quantity": 2},
                   {"part_id": plenty, "quantity": 3}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    for (part, minimum) in [(&low, 5.0), (&plenty, 1.0), (&odd, 0.25)] {
        let r = admin
            .post(
                &format!("/api/v1/stock-locations/{store}/minimums"),
                json!({"part_id": part, "minimum": minimum}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }

    let list = app
        .as_manager()
        .get(&format!("/api/v1/stock-locations/{store}/purchase-list"))
        .await;
    assert_eq!(list.status, 200, "{list:?}");
    let lines = list.body.as_array().unwrap();
    let got: Vec<(&str, f64, i64)> = lines
        .iter()
        .map(|l| {
            let sku = l["sku"].as_str().unwrap();
            (
                sku,
                l["to_order"].as_f64().unwrap(),
                l["line_cost"].as_i64().unwrap(),
            )
        })
        .collect();
    // 3 sets at 450.00; a quarter metre at 3.99 is 99.75, so 1.00.
    assert_eq!(got, [("CRT-LOW", 3.0, 135_000), ("HOSE-1", 0.25, 100)]);

    let csv = app
        .as_manager()
        .raw(
            "GET",
            &format!("/api/v1/stock-locations/{store}/purchase-list?format=csv"),
            None,
            &[],
        )
        .await;
    assert_eq!(csv.status, 200);
    let text = csv.text;
    assert!(
        text.starts_with("sku,name,barcode,unit,on_hand,reserved,minimum,to_order,"),
        "{text}"
    );
    assert!(
        text.contains("HOSE-1,\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3, "{text}");

    let bad = app
        .as_manager()
        .get(&format!(
            "/api/v1/stock-locations/{store}/purchase-list?format=xml"
        ))
        .await;
    assert_eq!((bad.status, bad.field()), (422, Some("format")));
    let engineer = app
        .as_engineer()
        .get(&format!("/api/v1/stock-locations/{store}/purchase-list"))
        .await;
    assert_eq!(engineer.status, 403);
}

on_both_backends!(
    a_part_is_catalogued_and_found,
    a_warehouse_buys_back_to_its_minimums,
    stock_moves_through_the_ledger,
    a_van_may_allow_negative_stock,
);

mod race {
    use super::*;
    on_both_backends!(backend: the_last_unit_goes_to_exactly_one);
}
