//! Day planning through the API: profiles, proposals with reasons, accepting
//! whole or per engineer (atomically), the checked day route, calendars and feeds.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use orderly::core::ids;
use orderly::core::role::Role;
use orderly::store::users;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{Resp, TestApp};
use crate::work_orders::{act, engineer_id};

/// Two days ahead: always in the future, whatever the hour.
fn plan_day() -> NaiveDate {
    (Utc::now() + Duration::days(2)).date_naive()
}

/// Kyiv in winter is UTC+2: the 08:00-17:00 shift is 06:00-15:00 UTC.
fn utc_at(day: NaiveDate, hour: u32) -> String {
    format!("{day}T{hour:02}:00:00Z")
}

pub(crate) fn profile(skills: &[&str], max_visits: u32) -> Value {
    json!({"skills": skills, "work_days": [1,2,3,4,5,6,7], "shift_start": "08:00", "shift_end": "17:00",
           "break_start": "12:00", "break_minutes": 30, "start_latitude": 50.45, "start_longitude": 30.52,
           "start_label": "Depot", "max_visits": max_visits})
}

async fn second_engineer(app: &TestApp) -> String {
    let hash = app.state.passwords.hash("second-password").unwrap();
    let mut conn = app.state.database.pool.get().unwrap();
    users::insert(
        &mut conn,
        &ids::UserId::new(),
        "gas@test.orderly",
        "Gas Engineer",
        &hash,
        &[Role::Engineer],
    )
    .unwrap()
    .id
    .into_string()
}

/// An order waiting for scheduling at a point (or none), with skills, windows and minutes.
pub(crate) async fn waiting_order(
    app: &TestApp,
    name: &str,
    at: Option<(f64, f64)>,
    extra: Value,
) -> String {
    let customer = app.customer(name).await;
    let mut site = json!({"customer_id": customer, "address_line1": format!("{name} street 1"), "city": "Kyiv"});
    if let Some((lat, lng)) = at {
        site["latitude"] = json!(lat);
        site["longitude"] = json!(lng);
    }
    let site = app.as_manager().post("/api/v1/sites", site).await;
    assert_eq!(site.status, 201, "{site:?}");
    let mut body = json!({"customer_id": customer, "site_id": site["id"],
        "scope_lines": [{"description": "Service", "quantity": 1, "unit_price": 100000}], "estimated_minutes": 60});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let created = app.as_manager().post("/api/v1/work-orders", body).await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created["work_order"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        act(app, Role::Manager, &id, "agree", json!({"version": 1}))
            .await
            .status,
        200
    );
    assert_eq!(
        act(
            app,
            Role::Manager,
            &id,
            "send-to-scheduling",
            json!({"version": 2})
        )
        .await
        .status,
        200
    );
    id
}

/// Books (or moves) an order's visit for an engineer, as the administrator; it must succeed.
async fn book(
    app: &TestApp,
    action: &str,
    order: &str,
    version: impl serde::Serialize,
    engineer: &str,
    start: impl serde::Serialize,
    end: impl serde::Serialize,
) -> Resp {
    let body = json!({"version": version, "engineer_id": engineer, "start": start, "end": end});
    let r = act(app, Role::Administrator, order, action, body).await;
    assert_eq!(r.status, 200, "{action}: {r:?}");
    r
}

pub(crate) async fn set_profile(app: &TestApp, engineer: &str, body: Value) -> Resp {
    app.as_administrator()
        .send(
            "PUT",
            &format!("/api/v1/engineers/{engineer}/profile"),
            Some(body.to_string()),
        )
        .await
}

async fn propose(app: &TestApp, body: Value) -> Resp {
    app.as_administrator()
        .post("/api/v1/route-plans", body)
        .await
}

fn ts(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

fn stops(plan: &Value) -> Vec<(String, Value)> {
    plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["stops"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (r["engineer_id"].as_str().unwrap().to_owned(), s.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn a_day_keeps_skills_windows_shifts_and_says_why(app: TestApp) {
    let day = plan_day();
    let filters = engineer_id(&app);
    let gas = second_engineer(&app).await;
    let r = set_profile(&app, &filters, profile(&["filters"], 10)).await;
    assert_eq!(r.status, 200, "{r:?}");
    // Bad input names its field and changes nothing.
    let mut bad = profile(&["gas"], 10);
    bad["shift_end"] = json!("07:00");
    let r = set_profile(&app, &gas, bad).await;
    assert_eq!((r.status, r.field()), (422, Some("shift_end")));
    let r = set_profile(&app, &gas, profile(&["filters", "gas"], 10)).await;
    assert_eq!(r.status, 200, "{r:?}");

    let boiler = waiting_order(
        &app,
        "Boiler",
        Some((50.47, 30.50)),
        json!({"required_skills": ["gas"]}),
    )
    .await;
    let afternoon = waiting_order(
        &app,
        "Afternoon",
        Some((50.43, 30.55)),
        json!({"time_windows": [{"start": utc_at(day, 12), "end": utc_at(day, 14)}]}),
    )
    .await;
    let plain = waiting_order(&app, "Plain", Some((50.44, 30.49)), json!({})).await;
    let electric = waiting_order(
        &app,
        "Electric",
        Some((50.46, 30.53)),
        json!({"required_skills": ["electric"]}),
    )
    .await;
    let nowhere = waiting_order(&app, "Nowhere", None, json!({})).await;
    let yesterday = day.pred_opt().unwrap();
    let missed = waiting_order(
        &app,
        "Missed",
        Some((50.45, 30.51)),
        json!({"time_windows": [{"start": utc_at(yesterday, 8), "end": utc_at(yesterday, 10)}]}),
    )
    .await;
    let huge = waiting_order(
        &app,
        "Huge",
        Some((50.45, 30.53)),
        json!({"estimated_minutes": 600}),
    )
    .await;

    let r = propose(&app, json!({"date": day, "days": 0})).await;
    assert_eq!((r.status, r.field()), (422, Some("days")));
    let r = propose(&app, json!({"date": day, "engineer_ids": ["nobody"]})).await;
    assert_eq!((r.status, r.field()), (422, Some("engineer_ids[0]")));

    let plan = propose(&app, json!({"date": day})).await;
    assert_eq!(plan.status, 201, "{plan:?}");
    assert_eq!(plan["status"], "proposed");
    let reasons: Vec<(String, String)> = plan["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["work_order_id"].as_str().unwrap().to_owned(),
                u["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (order, reason) in [
        (&electric, "no_skilled_engineer"),
        (&nowhere, "no_coordinates"),
        (&missed, "time_window"),
        (&huge, "shift_full"),
    ] {
        assert!(
            reasons.contains(&(order.clone(), reason.to_owned())),
            "{order} {reason}: {reasons:?}"
        );
    }
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    let planned = stops(&plan.body);
    assert_eq!(planned.len(), 3, "{planned:?}");
    let (who, _) = planned
        .iter()
        .find(|(_, s)| s["work_order_id"] == boiler.as_str())
        .unwrap();
    assert_eq!(who, &gas, "only the gas engineer may take the boiler");
    let (_, s) = planned
        .iter()
        .find(|(_, s)| s["work_order_id"] == afternoon.as_str())
        .unwrap();
    assert!(
        ts(&s["start"]) >= ts(&json!(utc_at(day, 12)))
            && ts(&s["end"]) <= ts(&json!(utc_at(day, 14))),
        "{s}"
    );
    assert!(planned
        .iter()
        .any(|(_, s)| s["work_order_id"] == plain.as_str()));
    for route in plan["routes"].as_array().unwrap() {
        let (open, close) = (ts(&json!(utc_at(day, 6))), ts(&json!(utc_at(day, 15))));
        assert!(
            ts(&route["departure"]) >= open && ts(&route["return_at"]) <= close,
            "{route}"
        );
        let mut free = ts(&route["departure"]);
        let lunch = (route["break_start"].is_string())
            .then(|| (ts(&route["break_start"]), ts(&route["break_end"])));
        for s in route["stops"].as_array().unwrap() {
            if let Some((a, b)) = lunch {
                assert!(
                    ts(&s["end"]) <= a || ts(&s["start"]) >= b,
                    "no work over lunch: {route}"
                );
            }
            assert!(ts(&s["arrival"]) >= free, "{s}");
            assert_eq!(
                (ts(&s["end"]) - ts(&s["start"])).num_minutes(),
                60,
                "{route}"
            );
            free = ts(&s["end"]);
        }
    }
    // The proposal is saved as shown.
    let id = plan["id"].as_str().unwrap();
    let again = app
        .as_administrator()
        .get(&format!("/api/v1/route-plans/{id}"))
        .await;
    assert_eq!(again["routes"], plan["routes"]);

    // On a day nobody works the reason says so, not that the days are full.
    let weekday = chrono::Datelike::weekday(&day).number_from_monday();
    let off: Vec<u32> = (1..=7).filter(|d| *d != weekday).collect();
    for engineer in [&filters, &gas] {
        let mut week = profile(&["filters", "gas"], 10);
        week["work_days"] = json!(off);
        assert_eq!(set_profile(&app, engineer, week).await.status, 200);
    }
    let plan = propose(&app, json!({"date": day})).await;
    let left = plan["unassigned"].as_array().unwrap();
    assert!(
        left.iter()
            .any(|u| u["work_order_id"] == plain.as_str() && u["reason"] == "no_shift"),
        "{left:?}"
    );
}

async fn accepting_is_atomic_per_engineer_and_a_moved_visit_is_rechecked(app: TestApp) {
    let day = plan_day();
    let first = engineer_id(&app);
    let second = second_engineer(&app).await;
    for e in [&first, &second] {
        let r = set_profile(&app, e, profile(&["filters"], 2)).await;
        assert_eq!(r.status, 200);
    }
    let mut orders = vec![];
    for (i, name) in ["North", "South", "East", "West"].iter().enumerate() {
        orders.push(
            waiting_order(
                &app,
                name,
                Some((50.40 + i as f64 * 0.02, 30.45 + i as f64 * 0.03)),
                json!({}),
            )
            .await,
        );
    }
    let plan = propose(&app, json!({"date": day})).await;
    assert_eq!(plan.status, 201, "{plan:?}");
    assert_eq!(stops(&plan.body).len(), 4, "two each: {plan:?}");
    let id = plan["id"].as_str().unwrap().to_owned();

    // An order changed since the plan: accepting fails as a whole, nothing is booked.
    let changed = &orders[0];
    let r = act(&app, Role::Manager, changed, "postpone",
        json!({"version": 3, "until": (day + Duration::days(30)).to_string(), "reason": "customer away"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .as_administrator()
        .post(&format!("/api/v1/route-plans/{id}/accept"), json!({}))
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    for o in &orders[1..] {
        let wo = app
            .as_manager()
            .get(&format!("/api/v1/work-orders/{o}"))
            .await;
        assert_eq!(wo["work_order"]["status"], "scheduling", "rolled back");
    }
    let sent = app
        .as_administrator()
        .get("/api/v1/notifications?event=visit_scheduled")
        .await;
    assert_eq!(
        sent["items"].as_array().unwrap().len(),
        0,
        "no message for a rolled-back booking"
    );

    // A fresh plan, accepted one engineer at a time.
    let plan = propose(&app, json!({"date": day})).await;
    assert_eq!(plan.status, 201);
    let id = plan["id"].as_str().unwrap().to_owned();
    let routes = plan["routes"].as_array().unwrap().clone();
    let one = routes[0]["engineer_id"].as_str().unwrap().to_owned();
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/route-plans/{id}/accept"),
            json!({"engineer_ids": [one]}),
        )
        .await;
    assert_eq!(
        (r.status, r["status"].as_str()),
        (
            200,
            Some(if routes.len() > 1 {
                "partly_accepted"
            } else {
                "accepted"
            })
        ),
        "{r:?}"
    );
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/route-plans/{id}/accept"),
            json!({"engineer_ids": [one]}),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, Some("already_accepted")));
    if routes.len() > 1 {
        let r = app
            .as_administrator()
            .post(&format!("/api/v1/route-plans/{id}/accept"), json!({}))
            .await;
        assert_eq!(
            (r.status, r["status"].as_str()),
            (200, Some("accepted")),
            "{r:?}"
        );
    }
    for s in stops(&plan.body) {
        let wo = app
            .as_manager()
            .get(&format!(
                "/api/v1/work-orders/{}",
                s.1["work_order_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(wo["work_order"]["status"], "scheduled");
    }
    let sent = app
        .as_administrator()
        .get("/api/v1/notifications?event=visit_scheduled")
        .await;
    assert_eq!(
        sent["items"].as_array().unwrap().len(),
        3,
        "one SMS per booked visit"
    );

    // The day as a route: arrivals from travel, no conflicts.
    let route_of = |e: &str| format!("/api/v1/engineers/{e}/route?date={day}");
    let busy = routes
        .iter()
        .find(|r| r["stops"].as_array().unwrap().len() == 2)
        .unwrap();
    let e = busy["engineer_id"].as_str().unwrap();
    let before = app.as_administrator().get(&route_of(e)).await;
    assert_eq!(before.status, 200, "{before:?}");
    assert_eq!(before["conflicts"], 0, "{before:?}");
    let visits = before["visits"].as_array().unwrap().clone();
    assert_eq!(visits.len(), 2);
    assert!(visits[1]["travel_minutes"].as_i64().unwrap() > 0);
    // Move the first visit to end just as the second starts: the second's arrival
    // moves on by the new end, and the overlap is flagged.
    let second_start = ts(&visits[1]["start"]);
    let order = visits[0]["work_order_id"].as_str().unwrap();
    let wo = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    book(
        &app,
        "reschedule",
        order,
        &wo["work_order"]["version"],
        e,
        second_start - Duration::minutes(60),
        second_start,
    )
    .await;
    let after = app.as_administrator().get(&route_of(e)).await;
    let moved = after["visits"].as_array().unwrap();
    let drive = Duration::minutes(moved[1]["travel_minutes"].as_i64().unwrap());
    let late = ts(&moved[1]["arrival"]) - (second_start + drive);
    assert!(
        late.num_seconds().abs() <= 30,
        "arrival is the new end plus the drive: {after:?}"
    );
    assert!(
        ts(&moved[1]["arrival"]) > ts(&visits[1]["arrival"]),
        "recomputed: {after:?}"
    );
    assert_eq!(moved[1]["conflicts"], json!(["overlap"]), "{after:?}");
    assert_eq!(after["conflicts"], 1);

    // Reordering the day: the named order, re-timed one after another, no conflict.
    let reorder = format!("/api/v1/engineers/{e}/route/reorder");
    let r = app
        .as_administrator()
        .post(&reorder, json!({"date": day, "visit_ids": ["nope"]}))
        .await;
    assert_eq!((r.status, r.field()), (422, Some("visit_ids[0]")));
    let ids: Vec<Value> = moved.iter().rev().map(|v| v["visit_id"].clone()).collect();
    let r = app
        .as_administrator()
        .post(&reorder, json!({"date": day, "visit_ids": ids}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let now_ids: Vec<Value> = r["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["visit_id"].clone())
        .collect();
    assert_eq!(now_ids, ids);
    assert_eq!(r["conflicts"], 0, "{r:?}");
    let v = r["visits"].as_array().unwrap();
    assert!(
        ts(&v[1]["start"])
            >= ts(&v[0]["end"]) + Duration::minutes(v[1]["travel_minutes"].as_i64().unwrap() - 1)
    );
    let moved_sms = app
        .as_administrator()
        .get("/api/v1/notifications?event=visit_rescheduled")
        .await;
    assert!(
        moved_sms["items"].as_array().unwrap().len() >= 2,
        "the customers hear of the new times"
    );
}

async fn calendars_and_the_ical_feed_follow_visits(app: TestApp) {
    let day = plan_day();
    let engineer = engineer_id(&app);
    let order = waiting_order(&app, "Feed", Some((50.45, 30.52)), json!({})).await;
    book(
        &app,
        "schedule",
        &order,
        3,
        &engineer,
        utc_at(day, 7),
        utc_at(day, 8),
    )
    .await;

    let cal = format!("/api/v1/engineers/{engineer}/calendar?from={day}&to={day}");
    let mine = app.as_engineer().get(&cal).await;
    assert_eq!(mine.status, 200, "{mine:?}");
    assert_eq!(mine.body.as_array().unwrap().len(), 1);
    assert_eq!(app.as_manager().get(&cal).await.status, 200);
    let other = second_engineer(&app).await;
    let r = app
        .as_engineer()
        .get(&format!(
            "/api/v1/engineers/{other}/calendar?from={day}&to={day}"
        ))
        .await;
    assert_eq!(
        r.status, 404,
        "another engineer's calendar does not exist for it"
    );
    let r = app
        .as_engineer()
        .get(&format!(
            "/api/v1/engineers/{engineer}/calendar?from={day}&to=2020-01-01"
        ))
        .await;
    assert_eq!((r.status, r.field()), (422, Some("to")));

    let feed = app
        .as_engineer()
        .post(
            &format!("/api/v1/engineers/{engineer}/calendar-feed"),
            json!({}),
        )
        .await;
    assert_eq!(feed.status, 201, "{feed:?}");
    let url = feed["url"].as_str().unwrap();
    let path = &url[url.find("/calendar/").unwrap()..];
    let parse = |text: &str| {
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
        let calendar = parser.next().expect("one calendar").expect("parses");
        calendar
            .events
            .into_iter()
            .map(|e| {
                e.properties
                    .into_iter()
                    .map(|p| (p.name, p.value.unwrap_or_default()))
                    .collect::<std::collections::HashMap<_, _>>()
            })
            .collect::<Vec<_>>()
    };
    let text = app.anonymous().raw("GET", path, None, &[]).await;
    assert_eq!(text.status, 200);
    assert!(text
        .content_type
        .as_deref()
        .unwrap_or("")
        .starts_with("text/calendar"));
    let events = parse(&text.text);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(
        event["DTSTART"],
        format!("{}T070000Z", day.format("%Y%m%d"))
    );
    assert!(event["LOCATION"].contains("Feed street 1"), "{event:?}");
    assert!(event["DESCRIPTION"].contains("Feed"), "{event:?}");
    assert_eq!(event["STATUS"], "CONFIRMED");

    // Moved: the feed says so, with a later SEQUENCE.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    book(
        &app,
        "reschedule",
        &order,
        4,
        &engineer,
        utc_at(day, 9),
        utc_at(day, 10),
    )
    .await;
    let moved = parse(&app.anonymous().raw("GET", path, None, &[]).await.text);
    assert_eq!(
        moved[0]["DTSTART"],
        format!("{}T090000Z", day.format("%Y%m%d"))
    );
    assert!(
        moved[0]["SEQUENCE"].parse::<u32>().unwrap() > event["SEQUENCE"].parse::<u32>().unwrap()
    );

    // Revoked: the address stops working.
    let r = app
        .as_engineer()
        .send(
            "DELETE",
            &format!("/api/v1/engineers/{engineer}/calendar-feed"),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        app.anonymous().raw("GET", path, None, &[]).await.status,
        404
    );
}

async fn booked_visits_stay_unless_freed(app: TestApp) {
    let day = plan_day();
    let e = engineer_id(&app);
    let r = set_profile(&app, &e, profile(&[], 8)).await;
    assert_eq!(r.status, 200);
    let mut booked = vec![];
    for (i, name) in ["Kept", "Freed"].iter().enumerate() {
        let order = waiting_order(
            &app,
            name,
            Some((50.44 + i as f64 * 0.02, 30.50)),
            json!({}),
        )
        .await;
        let r = book(
            &app,
            "schedule",
            &order,
            3,
            &e,
            utc_at(day, 13 - i as u32 * 5),
            utc_at(day, 14 - i as u32 * 5),
        )
        .await;
        booked.push((order, r["visits"][0]["id"].as_str().unwrap().to_owned()));
    }
    let (kept, freed) = (&booked[0], &booked[1]);
    let r = propose(&app, json!({"date": day, "free_visit_ids": ["x"]})).await;
    assert_eq!((r.status, r.field()), (422, Some("free_visit_ids[0]")));
    let plan = propose(&app, json!({"date": day, "free_visit_ids": [freed.1]})).await;
    assert_eq!(plan.status, 201, "{plan:?}");
    let all = stops(&plan.body);
    let kind = |order: &str| {
        all.iter()
            .find(|(_, s)| s["work_order_id"] == order)
            .map(|(_, s)| s.clone())
            .unwrap()
    };
    let k = kind(&kept.0);
    assert_eq!(
        (k["kind"].as_str(), k["visit_id"].as_str()),
        (Some("kept"), Some(kept.1.as_str()))
    );
    assert_eq!(k["start"].as_str(), Some(utc_at(day, 13).as_str()));
    assert!(
        ts(&k["arrival"]) <= ts(&k["start"]),
        "on time for the kept visit: {k}"
    );
    let f = kind(&freed.0);
    assert_eq!(
        (f["kind"].as_str(), f["visit_id"].as_str()),
        (Some("moved"), Some(freed.1.as_str()))
    );
    let id = plan["id"].as_str().unwrap();
    let r = app
        .as_administrator()
        .post(&format!("/api/v1/route-plans/{id}/accept"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let wo = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{}", freed.0))
        .await;
    let visit = &wo["visits"][0];
    assert_eq!(
        (visit["id"].as_str(), ts(&visit["planned_start"])),
        (Some(freed.1.as_str()), ts(&f["start"])),
        "{wo:?}"
    );
    let wo = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{}", kept.0))
        .await;
    assert_eq!(
        wo["work_order"]["version"], 4,
        "the kept visit was not touched"
    );
}

/// Seconds and metres the fake OSRM answers between two latitudes: 25 minutes and
/// 10 km, plus a minute and a kilometre per 0.001° apart (so a mix-up shows).
fn fake_leg(a: f64, b: f64) -> (f64, f64) {
    let apart = ((a - b).abs() * 1000.0).round();
    if apart == 0.0 {
        (0.0, 0.0)
    } else {
        (1500.0 + 60.0 * apart, 10_000.0 + 1000.0 * apart)
    }
}

/// A local server that answers like OSRM's table service (`sources`,
/// `destinations`, and its `TooBig` refusal above `max` × `max`); it counts the
/// requests.
fn fake_osrm(max: usize) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let seen = seen.clone();
        App::new().route(
            "/table/v1/driving/{coords}",
            web::get().to(move |coords: web::Path<String>, q: web::Query<std::collections::HashMap<String, String>>| {
                seen.fetch_add(1, Ordering::SeqCst);
                let lats: Vec<f64> = coords.split(';').map(|c| c.split(',').nth(1).unwrap().parse().unwrap()).collect();
                let pick = |name: &str| -> Vec<usize> {
                    q.get(name).map_or_else(|| (0..lats.len()).collect(), |v| v.split(';').map(|i| i.parse().unwrap()).collect())
                };
                let (sources, destinations) = (pick("sources"), pick("destinations"));
                assert_eq!(q.get("annotations").map(String::as_str), Some("duration,distance"));
                let too_big = sources.len() * destinations.len() > max * max;
                let grid = |of: fn((f64, f64)) -> f64| {
                    sources.iter().map(|&a| destinations.iter().map(|&b| of(fake_leg(lats[a], lats[b]))).collect::<Vec<_>>()).collect::<Vec<_>>()
                };
                let answer = if too_big {
                    HttpResponse::BadRequest().json(json!({"code": "TooBig", "message": "Too many table coordinates"}))
                } else {
                    HttpResponse::Ok().json(json!({"code": "Ok", "durations": grid(|l| l.0), "distances": grid(|l| l.1)}))
                };
                async move { answer }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    (format!("http://127.0.0.1:{port}"), calls)
}

async fn travel_comes_from_osrm_when_configured(backend: orderly::store::Backend) {
    let (url, calls) = fake_osrm(100);
    let app = TestApp::spawn_with(backend, &[("ORDERLY_OSRM_URL", &url)]).await;
    let day = plan_day();
    let e = engineer_id(&app);
    let r = set_profile(&app, &e, profile(&[], 8)).await;
    assert_eq!(r.status, 200);
    waiting_order(&app, "Far", Some((50.46, 30.52)), json!({})).await;
    let plan = propose(&app, json!({"date": day})).await;
    assert_eq!(plan.status, 201, "{plan:?}");
    let stop = &stops(&plan.body)[0].1;
    assert_eq!(
        (stop["travel_minutes"].as_i64(), stop["travel_km"].as_f64()),
        (Some(35), Some(20.0)),
        "{stop}"
    );
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);

    // OSRM unreachable: a clear 502, and no proposal saved.
    let down = TestApp::spawn_with(backend, &[("ORDERLY_OSRM_URL", "http://127.0.0.1:9")]).await;
    let e = engineer_id(&down);
    set_profile(&down, &e, profile(&[], 8)).await;
    waiting_order(&down, "Far", Some((50.46, 30.52)), json!({})).await;
    let r = propose(&down, json!({"date": day})).await;
    assert_eq!(
        (r.status, r.code()),
        (502, Some("upstream_failed")),
        "{r:?}"
    );
}

/// A server that takes two places a request: the table comes in blocks, each
/// stop's travel is the pair's own, and a second plan asks only about what is new.
async fn osrm_is_asked_in_blocks_and_remembered(backend: orderly::store::Backend) {
    use std::sync::atomic::Ordering::SeqCst;
    let (url, calls) = fake_osrm(2);
    let app = TestApp::spawn_with(
        backend,
        &[("ORDERLY_OSRM_URL", &url), ("ORDERLY_OSRM_MAX_TABLE", "2")],
    )
    .await;
    let day = plan_day();
    let e = engineer_id(&app);
    assert_eq!(set_profile(&app, &e, profile(&[], 8)).await.status, 200);
    for (i, lat) in [50.46, 50.47, 50.48].iter().enumerate() {
        waiting_order(&app, &format!("Place {i}"), Some((*lat, 30.52)), json!({})).await;
    }
    let check = |plan: &Resp| {
        assert_eq!(plan.status, 201, "{plan:?}");
        let route = &plan["routes"][0];
        let mut from = route["start_latitude"].as_f64().unwrap();
        for stop in route["stops"].as_array().unwrap() {
            let to = stop["latitude"].as_f64().unwrap();
            let (secs, metres) = fake_leg(from, to);
            assert_eq!(
                (stop["travel_minutes"].as_i64(), stop["travel_km"].as_f64()),
                (Some((secs as i64 + 30) / 60), Some(metres / 1000.0)),
                "{stop}"
            );
            from = to;
        }
        route["stops"].as_array().unwrap().len()
    };
    assert_eq!(check(&propose(&app, json!({"date": day})).await), 3);
    let first = calls.load(SeqCst);
    // The home and three sites (the day's end is home again): 4 places, 2 a side.
    assert_eq!(first, 4, "2 × 2 blocks of 2 × 2");

    assert_eq!(check(&propose(&app, json!({"date": day})).await), 3);
    assert_eq!(
        calls.load(SeqCst),
        first,
        "the same places: nothing asked again"
    );

    waiting_order(&app, "Place 3", Some((50.49, 30.52)), json!({})).await;
    assert_eq!(check(&propose(&app, json!({"date": day})).await), 4);
    // One new place: it against the five (3 blocks), the four others against it (2).
    assert_eq!(calls.load(SeqCst) - first, 5);
}

mod travel {
    use super::*;
    on_both_backends!(
        backend: travel_comes_from_osrm_when_configured,
        osrm_is_asked_in_blocks_and_remembered
    );
}

on_both_backends!(
    a_day_keeps_skills_windows_shifts_and_says_why,
    accepting_is_atomic_per_engineer_and_a_moved_visit_is_rechecked,
    calendars_and_the_ical_feed_follow_visits,
    booked_visits_stay_unless_freed,
);
