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
    // The day of the reading that crossed it, in the company's zone.
    let crossed_on = (Utc::now() - Duration::minutes(2))
        .with_timezone(&app.state.config().timezone)
        .date_naive();
    assert_eq!(moved[0]["due_on"], crossed_on.to_string());
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

/// The engineer records readings only on their own visit and only of its
/// equipment's meters; the visit shows the meters' last readings and the last
/// visits at the site.
async fn an_engineer_reads_the_meters_of_own_visits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, visit) = crate::engineer_app::todays_visit(&app).await;
    let mine = app
        .as_engineer()
        .get(&format!("/api/v1/my/visits/{visit}"))
        .await;
    let piece = mine["equipment"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(mine["meters"], json!([]));
    let m = meter(&app, &piece, json!({"kind": "hours", "mode": "cumulative"})).await;
    let m = m["id"].as_str().unwrap().to_owned();
    let (_, _, _, elsewhere) = customer_with_site(&app, "Not On The Route").await;
    let foreign = meter(
        &app,
        &elsewhere,
        json!({"kind": "hours", "mode": "cumulative"}),
    )
    .await;
    let path = format!("/api/v1/my/visits/{visit}/readings");
    let at = ago(0);

    let r = app
        .as_engineer()
        .post(&path, json!({"meter_id": m, "value": 812.5, "read_at": at}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r["source"], "engineer");
    // The phone's queue sending it again: the same reading.
    let again = app
        .as_engineer()
        .post(&path, json!({"meter_id": m, "value": 812.5, "read_at": at}))
        .await;
    assert_eq!((again.status, &again["id"]), (200, &r["id"]));
    for (body, status, field) in [
        (
            json!({"meter_id": foreign["id"], "value": 1.0}),
            422,
            Some("meter_id"),
        ),
        (json!({"meter_id": m, "value": 800.0}), 422, Some("value")),
        (
            json!({"meter_id": m, "value": 900.0, "read_at": "9999-12-31T00:00:00Z"}),
            422,
            Some("read_at"),
        ),
        (json!({"meter_id": m}), 400, None),
    ] {
        let r = app.as_engineer().post(&path, body.clone()).await;
        assert_eq!(r.status, status, "{body}: {r:?}");
        if field.is_some() {
            assert_eq!(r.field(), field, "{body}");
        }
    }
    // Another engineer's visit is not found; the office cannot use the phone's door.
    let (_, other) = crate::hardening::second_engineer(&app).await;
    let r = app
        .with_token(&other)
        .post(&path, json!({"meter_id": m, "value": 900.0}))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        app.as_manager()
            .post(&path, json!({"meter_id": m, "value": 900.0}))
            .await
            .status,
        403
    );
    let readings = app
        .as_manager()
        .get(&format!("/api/v1/meters/{m}/readings"))
        .await;
    assert_eq!(
        readings.body.as_array().unwrap().len(),
        1,
        "nothing else stored"
    );

    let seen = app
        .as_engineer()
        .get(&format!("/api/v1/my/visits/{visit}"))
        .await;
    assert_eq!(seen["meters"][0]["last"]["value"], 812.5);
    assert_eq!(seen["meters"][0]["unit"], "h");
}

/// The visit view carries the last visits finished at the site.
async fn the_briefing_shows_the_last_visits_at_the_site(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, piece, m) = filter_with_history(&app, "Visited Before").await;
    let p = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{piece}/plans"),
            json!({"service_kind": "Cartridge change", "recurrence": "usage", "meter_id": m, "every_units": 500.0}),
        )
        .await;
    let id = p["id"].as_str().unwrap().to_owned();
    let first = reminders_of(&app, &customer, &id).await;
    assert_eq!(
        first.len(),
        1,
        "1,600 read and 500 more at 40 a day: due already"
    );
    complete(&app, first[0]["id"].as_str().unwrap()).await;
    // The next service: its visit shows the one before.
    assert_eq!(
        read(&app, &m, json!({"value": 2200.0, "read_at": ago(0)}))
            .await
            .status,
        201
    );
    let next = reminders_of(&app, &customer, &id).await;
    let open: Vec<&Value> = next.iter().filter(|r| r["status"] == "open").collect();
    assert_eq!(open.len(), 1, "{next:?}");
    let converted = app
        .as_manager()
        .post(
            &format!(
                "/api/v1/reminders/{}/convert",
                open[0]["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    let order = converted["work_order"]["id"].as_str().unwrap().to_owned();
    let engineer = app.users[&orderly::core::role::Role::Engineer].0.clone();
    for (role, action, body) in [
        (
            orderly::core::role::Role::Manager,
            "agree",
            json!({"version": 1, "scope_lines": [{"description": "Cartridges", "quantity": 1, "unit_price": 1000}]}),
        ),
        (
            orderly::core::role::Role::Manager,
            "send-to-scheduling",
            json!({"version": 2}),
        ),
        (
            orderly::core::role::Role::Administrator,
            "schedule",
            json!({"version": 3, "engineer_id": engineer,
            "start": format!("{}T08:00:00Z", crate::support::day_ahead(3)), "end": format!("{}T09:00:00Z", crate::support::day_ahead(3))}),
        ),
    ] {
        let r = crate::work_orders::act(&app, role, &order, action, body).await;
        assert_eq!(r.status, 200, "{action}: {r:?}");
    }
    let visits = app
        .as_engineer()
        .get(&format!(
            "/api/v1/my/visits?date={}",
            crate::support::day_ahead(3)
        ))
        .await;
    let briefing = visits
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["work_order"]["id"] == order)
        .unwrap()
        .clone();
    assert_eq!(
        briefing["history"].as_array().unwrap().len(),
        1,
        "{briefing}"
    );
    assert_eq!(briefing["history"][0]["outcome"], "done");
    assert_eq!(briefing["meters"][0]["last"]["value"], 2200.0);
}

async fn readings_of(app: &TestApp, m: &str) -> usize {
    app.as_manager()
        .get(&format!("/api/v1/meters/{m}/readings"))
        .await
        .body
        .as_array()
        .unwrap()
        .len()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn import(app: &TestApp, query: &str, body: Vec<u8>, content_type: &str) -> (u16, Value) {
    let r = app
        .as_administrator()
        .raw(
            "POST",
            &format!("/api/v1/readings/import{query}"),
            Some(body),
            &[("Content-Type", content_type)],
        )
        .await;
    (
        r.status,
        serde_json::from_str(&r.text).unwrap_or(Value::Null),
    )
}

fn lines(report: &Value) -> Vec<(u64, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// A meter's log kept on paper, then in a spreadsheet: imported all or
/// nothing, every bad row named, the plan's forecast moved by it.
async fn a_meters_log_is_imported_all_or_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, _, _, piece) = customer_with_site(&app, "Paper Log").await;
    let m = meter(
        &app,
        &piece,
        json!({"kind": "litres", "mode": "cumulative"}),
    )
    .await;
    let m = m["id"].as_str().unwrap().to_owned();
    let p = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{piece}/plans"),
            json!({"service_kind": "Cartridge change", "recurrence": "usage", "meter_id": m, "every_units": 3000.0}),
        )
        .await;
    let plan = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["usage"]["forecast_on"], Value::Null, "nothing read yet");
    let local = |days: i64| {
        (Utc::now() - Duration::days(days))
            .with_timezone(&app.state.config().timezone)
            .format("%d.%m.%Y %H:%M")
            .to_string()
    };
    let good = format!(
        "Meter ID,Read at,Value,Kind\n{m},{},0,\n{m},{},\"1 000,5\",reading\n{m},{},2000,\n",
        local(50),
        local(25),
        local(1)
    );

    // A dry run checks and keeps nothing.
    let (status, report) =
        import(&app, "?dry_run=true", good.clone().into_bytes(), "text/csv").await;
    assert_eq!(
        (
            status,
            report["accepted"].as_u64(),
            report["written"].as_bool()
        ),
        (200, Some(3), Some(false)),
        "{report}"
    );
    assert_eq!(readings_of(&app, &m).await, 0);

    // Bad cells: each named with its line, nothing kept.
    let bad = format!(
        "meter_id,read_at,value\n{m},{},10\n{m},yesterday,20\n{m},{},=cmd|' /C calc'!A0\nnot-an-id,{},5\n",
        local(40), local(30), local(20)
    );
    let (status, report) = import(&app, "", bad.into_bytes(), "text/csv").await;
    assert_eq!(status, 422);
    assert_eq!(
        lines(&report),
        vec![
            (3, "read_at".into()),
            (4, "value".into()),
            (5, "meter_id".into())
        ]
    );
    assert_eq!(readings_of(&app, &m).await, 0);

    // Good cells that do not fit the meter: a counter going down; nothing kept.
    let (_, _, _, other_piece) = customer_with_site(&app, "Other Log").await;
    let other = meter(
        &app,
        &other_piece,
        json!({"kind": "litres", "mode": "cumulative"}),
    )
    .await;
    let other = other["id"].as_str().unwrap().to_owned();
    let down = format!(
        "meter_id,read_at,value\n{other},{},10\n{m},{},500\n{m},{},400\n",
        local(40),
        local(30),
        local(20)
    );
    let (status, report) = import(&app, "", down.into_bytes(), "text/csv").await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(lines(&report), vec![(4, "value".into())]);
    assert_eq!(readings_of(&app, &m).await, 0);

    // The good file, as a spreadsheet: kept, and the plan forecast from it.
    let table = [
        vec![
            "Meter ID".to_owned(),
            "Read at".into(),
            "Value".into(),
            "Kind".into(),
        ],
        vec![m.clone(), local(50), "0".into(), "".into()],
        vec![m.clone(), local(25), "1 000,5".into(), "reading".into()],
        vec![m.clone(), local(1), "2000".into(), "".into()],
    ];
    let cells: String = table
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let cells: String = row
                .iter()
                .enumerate()
                .map(|(c, v)| {
                    format!(
                        r#"<c r="{}{}" t="inlineStr"><is><t>{v}</t></is></c>"#,
                        (b'A' + c as u8) as char,
                        r + 1
                    )
                })
                .collect();
            format!("<row>{cells}</row>")
        })
        .collect();
    let xml = format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>"#
    );
    let book = orderly::flow::import::sheet::minimal_workbook(&xml).unwrap();
    let (status, report) = import(&app, "", book.clone(), XLSX).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["accepted"].as_u64(), report["written"].as_bool()),
        (Some(3), Some(true))
    );
    let readings = app
        .as_manager()
        .get(&format!("/api/v1/meters/{m}/readings"))
        .await;
    assert_eq!(
        readings.body[1]["value"], 1000.5,
        "`1 000,5` read as a number"
    );
    assert_eq!(readings.body[0]["source"], "import");
    // 2,000 litres over 49 days: 3,000 is about 25 days on.
    let forecast: chrono::NaiveDate = plan_of(&app, &plan).await["usage"]["forecast_on"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let ahead = (forecast - today(&app)).num_days();
    assert!((20..=30).contains(&ahead), "{ahead} days");
    // The same file again: duplicates, nothing new.
    let (status, report) = import(&app, "", book, XLSX).await;
    assert_eq!(
        (
            status,
            report["accepted"].as_u64(),
            report["duplicates"].as_u64()
        ),
        (200, Some(0), Some(3))
    );
    // A manager may import; an engineer may not.
    let r = app
        .as_engineer()
        .raw(
            "POST",
            "/api/v1/readings/import",
            Some(good.into_bytes()),
            &[("Content-Type", "text/csv")],
        )
        .await;
    assert_eq!(r.status, 403);
}

/// The customer's consumption: each meter's rate and last 30 days, the plan
/// counting it with the units left, and sums per unit that never mix units.
async fn consumption_is_summed_per_unit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, piece, litres) = filter_with_history(&app, "Consumption").await;
    let p = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{piece}/plans"),
            json!({"service_kind": "Cartridge change", "recurrence": "usage", "meter_id": litres, "every_units": 2000.0}),
        )
        .await;
    assert_eq!(p.status, 201, "{p:?}");
    let hours = meter(&app, &piece, json!({"kind": "hours", "mode": "cumulative"})).await;
    let hours = hours["id"].as_str().unwrap();
    for d in [40, 25, 10] {
        let r = read(
            &app,
            hours,
            json!({"value": 8.0 * (40 - d) as f64, "read_at": ago(d)}),
        )
        .await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let gauge = meter(
        &app,
        &piece,
        json!({"kind": "custom", "unit": "bar", "mode": "gauge", "low": 1.0}),
    )
    .await;
    let gauge = gauge["id"].as_str().unwrap();
    assert_eq!(read(&app, gauge, json!({"value": 2.5})).await.status, 201);

    let path = format!("/api/v1/customers/{customer}/consumption");
    let c = app.as_administrator().get(&path).await;
    assert_eq!(c.status, 200, "{c:?}");
    let meters = c["meters"].as_array().unwrap();
    assert_eq!(meters.len(), 3);
    let of = |id: &str| meters.iter().find(|m| m["meter"]["id"] == id).unwrap();
    // 40 a day; 1,600 read 20 days ago against 1,200 read 30 days ago.
    assert_eq!(of(&litres)["meter"]["daily_rate"], 40.0);
    let close = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() < 1.0;
    assert!(close(&of(&litres)["last_30_days"], 400.0), "{c:?}");
    assert_eq!(of(&litres)["plans"][0]["units_left"], 2000.0);
    assert_eq!(of(&litres)["plans"][0]["forecast_on"], day(&app, 30));
    // 0 read 40 days ago, 120 at 25: about 80 at 30 days ago; 240 read since.
    assert!(close(&of(hours)["last_30_days"], 160.0), "{c:?}");
    assert!(of(gauge)["last_30_days"].is_null());
    let units: Vec<&str> = c["per_unit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["litres", "hours"], "a gauge is not summed");
    assert_eq!(c["per_unit"][0]["per_day"], 40.0);

    assert_eq!(app.as_engineer().get(&path).await.status, 403);
    let nobody = app
        .as_manager()
        .get(&format!(
            "/api/v1/customers/{}/consumption",
            orderly::core::ids::new_id()
        ))
        .await;
    assert_eq!(nobody.status, 404, "{nobody:?}");
}

/// The demo's filter counted in litres: its readings forecast the reminder
/// within the month; a device reading past the threshold brings it to today.
#[actix_web::test]
async fn the_demo_filter_is_reminded_by_its_readings() {
    use diesel::prelude::*;
    use orderly::store::schema::maintenance_plans as p;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (pool, state) = (app.state.database.pool.clone(), app.state.clone());
    let (plan, customer, piece, meter) = actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        orderly::demo::load(&mut conn, &state, 1).unwrap();
        p::table
            .filter(p::recurrence_kind.eq("usage"))
            .select((
                p::id,
                p::customer_id,
                p::equipment_id,
                p::meter_id.assume_not_null(),
            ))
            .first::<(String, String, String, String)>(&mut conn)
            .unwrap()
    })
    .await
    .unwrap();
    let forecast = plan_of(&app, &plan).await;
    let on = forecast["usage"]["forecast_on"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(on > day(&app, 0) && on <= day(&app, 30), "{forecast}");
    let made = reminders_of(&app, &customer, &plan).await;
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0]["due_on"], on.as_str());
    let card = app
        .as_manager()
        .raw("GET", &format!("/office/customers/{customer}"), None, &[])
        .await;
    assert_eq!(card.status, 200, "{}", card.text);
    let line = card
        .text
        .split("<span class=\"meter\">")
        .nth(1)
        .and_then(|l| l.split("</span>").next())
        .expect("the card shows the filter's meter");
    assert!(line.starts_with("Treated water: "), "{line}");
    let kind = app
        .as_manager()
        .get(&format!("/api/v1/equipment/{piece}"))
        .await;
    assert_eq!(
        kind["kind"], "reverse osmosis filter",
        "the litres count on a filter"
    );
    assert!(line.contains(" litres/day · "), "{line}");
    assert!(line.contains(" litres in 30 days · left "), "{line}");

    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/equipment/{piece}/devices"),
            json!({"name": "Flow meter"}),
        )
        .await;
    let (device, key) = (r["id"].as_str().unwrap(), r["key"].as_str().unwrap());
    let crossing = json!({"readings": [{"meter_id": meter, "value": 5010.0, "read_at": Utc::now().to_rfc3339()}]});
    let sent = send(&app, device, key, Utc::now().timestamp(), &crossing).await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let moved = reminders_of(&app, &customer, &plan).await;
    assert_eq!(moved.len(), 1, "moved, not duplicated: {moved:?}");
    assert_eq!(moved[0]["due_on"], day(&app, 0));
}

on_both_backends!(
    backend: a_filter_is_reminded_by_its_litres,
    consumption_is_summed_per_unit,
    a_meters_log_is_imported_all_or_nothing,
    an_engineer_reads_the_meters_of_own_visits,
    the_briefing_shows_the_last_visits_at_the_site,
    usage_or_time_is_due_by_whichever_comes_first,
    a_plan_by_use_counts_a_meter_of_its_own_piece,
);
