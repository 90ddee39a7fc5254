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

on_both_backends!(the_van_is_loaded_for_the_day_once);

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
    let _ = first;
}
