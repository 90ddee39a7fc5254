//! Maintenance by use: a plan counting a meter's units since the last service,
//! forecast from the readings, its reminder made when the forecast comes within
//! the lead days, moved (never duplicated) when the forecast moves, brought to
//! the crossing day by a device's reading and made urgent when far past; the
//! service's reading becomes the new baseline; `usage_or_time` where each side
//! wins.

use chrono::{Duration, Utc};
use orderly::store::Backend;
use serde_json::{json, Value};

use crate::maintenance::complete;
use crate::meters::{ago, devices::send, meter, read};
use crate::on_both_backends;
use crate::support::TestApp;
use crate::work_orders::customer_with_site;

fn today(app: &TestApp) -> chrono::NaiveDate {
    Utc::now()
        .with_timezone(&app.state.config().timezone)
        .date_naive()
}

fn day(app: &TestApp, days: i64) -> String {
    (today(app) + Duration::days(days)).to_string()
}

async fn plan_of(app: &TestApp, id: &str) -> Value {
    app.as_manager()
        .get(&format!("/api/v1/plans/{id}"))
        .await
        .body
}

/// The plan's reminders, whatever their state.
async fn reminders_of(app: &TestApp, customer: &str, plan: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for status in ["open", "converted", "dismissed"] {
        let r = app
            .as_manager()
            .get(&format!(
                "/api/v1/reminders?customer_id={customer}&status={status}"
            ))
            .await;
        all.extend(
            r["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["plan_id"] == plan)
                .cloned(),
        );
    }
    all
}

/// A filter whose litres meter has read 40 a day from 60 days ago to 20 days ago.
async fn filter_with_history(app: &TestApp, name: &str) -> (String, String, String) {
    let (customer, _, _, piece) = customer_with_site(app, name).await;
    let m = meter(app, &piece, json!({"kind": "litres", "mode": "cumulative"})).await;
    let m = m["id"].as_str().unwrap().to_owned();
    for d in (20..=60).rev().step_by(5) {
        let r = read(
            app,
            &m,
            json!({"value": 40.0 * (60 - d) as f64, "read_at": ago(d)}),
        )
        .await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    (customer, piece, m)
}

async fn a_filter_is_reminded_by_its_litres(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, piece, m) = filter_with_history(&app, "Litres Forecast").await;
    let p = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{piece}/plans"),
            json!({"service_kind": "Cartridge change", "recurrence": "usage", "meter_id": m, "every_units": 2000.0}),
        )
        .await;
    assert_eq!(p.status, 201, "{p:?}");
    let id = p["id"].as_str().unwrap().to_owned();
    // 1,600 read 20 days ago; 2,000 more at 40 a day is 30 days from now.
    assert_eq!(p["usage"]["baseline_total"], 1600.0);
    assert_eq!(p["usage"]["threshold_total"], 3600.0);
    assert_eq!(p["usage"]["forecast_on"], day(&app, 30));
    assert_eq!(p["next_due_on"], day(&app, 30));
    assert!(reminders_of(&app, &customer, &id).await.is_empty());

    // Faster use lately: 2,400 ten days ago brings the forecast to 20 days on.
    assert_eq!(
        read(&app, &m, json!({"value": 2400.0, "read_at": ago(10)}))
            .await
            .status,
        201
    );
    assert_eq!(
        plan_of(&app, &id).await["usage"]["forecast_on"],
        day(&app, 20)
    );
    assert!(
        reminders_of(&app, &customer, &id).await.is_empty(),
        "14 days ahead is not yet"
    );

    // 3,000 five days ago: 600 left at 40 a day is 10 days on, within the
    // 14 lead days — the reminder is made at once, for that day.
    assert_eq!(
        read(&app, &m, json!({"value": 3000.0, "read_at": ago(5)}))
            .await
            .status,
        201
    );
    let made = reminders_of(&app, &customer, &id).await;
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0]["due_on"], day(&app, 10));
    assert_eq!(made[0]["urgent"], false);
    // A reading that moves the forecast by a day or two leaves it where it is.
    assert_eq!(
        read(&app, &m, json!({"value": 3150.0, "read_at": ago(3)}))
            .await
            .status,
        201
    );
    let still = reminders_of(&app, &customer, &id).await;
    assert_eq!((still.len(), &still[0]["due_on"]), (1, &made[0]["due_on"]));

    // A device reads the threshold crossed: the reminder comes to today, once.
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/equipment/{piece}/devices"),
            json!({"name": "Flow meter"}),
        )
        .await;
    let (device, key) = (
        r["id"].as_str().unwrap().to_owned(),
        r["key"].as_str().unwrap().to_owned(),
    );
    let now = Utc::now().timestamp();
    let minutes_ago = |n: i64| (Utc::now() - Duration::minutes(n)).to_rfc3339();
    let crossing =
        json!({"readings": [{"meter_id": m, "value": 3650.0, "read_at": minutes_ago(2)}]});
    assert_eq!(send(&app, &device, &key, now, &crossing).await.status, 200);
    let moved = reminders_of(&app, &customer, &id).await;
    assert_eq!(moved.len(), 1, "moved, not duplicated: {moved:?}");
    assert_eq!(moved[0]["due_on"], today(&app).to_string());
    assert_eq!(moved[0]["urgent"], false, "50 past 2,000 is not far");
    // Far past: urgent, still the one reminder.
    let far = json!({"readings": [{"meter_id": m, "value": 3900.0, "read_at": minutes_ago(1)}]});
    assert_eq!(send(&app, &device, &key, now + 1, &far).await.status, 200);
    let urgent = reminders_of(&app, &customer, &id).await;
    assert_eq!(urgent.len(), 1);
    assert_eq!(urgent[0]["urgent"], true);
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    assert!(
        timeline.body.to_string().contains("forecast_moved"),
        "the move is on the timeline"
    );

    // Converted, the order is urgent; closed, the service's total is the new baseline.
    let reminder = urgent[0]["id"].as_str().unwrap().to_owned();
    complete(&app, &reminder).await;
    let served = plan_of(&app, &id).await;
    assert_eq!(served["usage"]["baseline_total"], 3900.0, "{served}");
    assert_eq!(served["usage"]["threshold_total"], 5900.0);
    assert_eq!(served["last_completed_on"], today(&app).to_string());
    let orders = app
        .as_manager()
        .get(&format!("/api/v1/work-orders?customer_id={customer}"))
        .await;
    assert_eq!(orders["items"][0]["priority"], "urgent", "{orders:?}");
}

async fn usage_or_time_is_due_by_whichever_comes_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, piece, m) = filter_with_history(&app, "Either Way").await;
    let create = |every: i64, unit: &'static str| {
        let app = &app;
        let (piece, m) = (piece.clone(), m.clone());
        async move {
            let r = app
                .as_manager()
                .post(
                    &format!("/api/v1/equipment/{piece}/plans"),
                    json!({"service_kind": "Cartridge change", "recurrence": "usage_or_time",
                           "meter_id": m, "every_units": 2000.0, "every": every, "unit": unit}),
                )
                .await;
            assert_eq!(r.status, 201, "{r:?}");
            r.body
        }
    };
    // The litres come first (30 days on) before a year after the installation.
    let litres_win = create(12, "months").await;
    assert_eq!(litres_win["next_due_on"], day(&app, 30));
    // A week after the installation (today, in the test's equipment) comes first.
    let installed = app
        .as_manager()
        .get(&format!("/api/v1/equipment/{piece}"))
        .await;
    let time_win = create(1, "weeks").await;
    let expected = match installed["installed_on"].as_str() {
        Some(d) => (d.parse::<chrono::NaiveDate>().unwrap() + Duration::days(7)).to_string(),
        None => (today(&app) + Duration::days(7)).to_string(),
    };
    assert_eq!(time_win["next_due_on"], expected, "{time_win}");
    assert_eq!(
        time_win["usage"]["forecast_on"],
        day(&app, 30),
        "the forecast is still shown"
    );
}

async fn a_plan_by_use_counts_a_meter_of_its_own_piece(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, piece, m) = filter_with_history(&app, "Meter Checks").await;
    let (_, _, _, other) = customer_with_site(&app, "Someone Else").await;
    let gauge = meter(
        &app,
        &piece,
        json!({"kind": "custom", "unit": "bar", "mode": "gauge"}),
    )
    .await;
    let foreign = meter(
        &app,
        &other,
        json!({"kind": "litres", "mode": "cumulative"}),
    )
    .await;
    for (meter_id, units, field) in [
        (json!(foreign["id"]), json!(2000.0), "meter_id"),
        (json!(gauge["id"]), json!(2000.0), "meter_id"),
        (
            json!(orderly::core::ids::MeterId::new()),
            json!(2000.0),
            "meter_id",
        ),
        (json!(m), json!(0), "every_units"),
        (json!(m), json!(-1), "every_units"),
        (Value::Null, json!(2000.0), "meter_id"),
    ] {
        let r = app
            .as_manager()
            .post(
                &format!("/api/v1/equipment/{piece}/plans"),
                json!({"service_kind": "x", "recurrence": "usage", "meter_id": meter_id, "every_units": units}),
            )
            .await;
        assert_eq!(
            (r.status, r.field()),
            (422, Some(field)),
            "{meter_id} {units}: {r:?}"
        );
    }
    // An engineer cannot make one.
    let r = app
        .as_engineer()
        .post(
            &format!("/api/v1/equipment/{piece}/plans"),
            json!({"service_kind": "x", "recurrence": "usage", "meter_id": m, "every_units": 10.0}),
        )
        .await;
    assert_eq!(r.status, 403);
}

on_both_backends!(
    backend: a_filter_is_reminded_by_its_litres,
    usage_or_time_is_due_by_whichever_comes_first,
    a_plan_by_use_counts_a_meter_of_its_own_piece,
);
