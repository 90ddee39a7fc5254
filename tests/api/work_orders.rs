//! The chain from reminder to closed order across roles, and everything that must be refused.

use orderly::core::role::Role;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{day_ahead, Resp, TestApp};

on_both_backends!(
    the_whole_chain_from_reminder_to_follow_up,
    illegal_actions_change_nothing_and_say_what_is_allowed,
    stale_versions_are_refused,
    an_engineer_cannot_be_double_booked,
    an_engineer_reaches_only_its_own_visits,
    concurrent_bookings_have_exactly_one_winner,
    no_access_sends_the_order_back_with_the_reason,
    postpone_reopen_and_cancel,
    the_inbox_sorts_filters_snoozes_and_dismisses,
);

/// A customer with a site, an on-site contact and a filter: (customer, site, contact, equipment).
pub(crate) async fn customer_with_site(
    app: &TestApp,
    name: &str,
) -> (String, String, String, String) {
    let customer = app.customer(name).await;
    let site = app.site(&customer).await;
    app.as_manager()
        .patch(
            &format!("/api/v1/sites/{site}"),
            json!({"access_notes": "Gate code 1942"}),
        )
        .await;
    let contact = app
        .as_manager()
        .post(
            "/api/v1/contacts",
            json!({"customer_id": customer, "site_id": site, "name": "Петро", "phones": ["0671234567"],
                   "role": "on_site", "availability": "after 14:00"}),
        )
        .await;
    let equipment = app
        .as_manager()
        .post(
            "/api/v1/equipment",
            json!({"site_id": site, "kind": "reverse osmosis filter", "model": "Atoll A-550"}),
        )
        .await;
    (
        customer,
        site,
        contact["id"].as_str().unwrap().into(),
        equipment["id"].as_str().unwrap().into(),
    )
}

/// A work order taken to `scheduling`: (order id, version).
pub(crate) async fn order_in_scheduling(
    app: &TestApp,
    customer: &str,
    site: &str,
) -> (String, i64) {
    order_in_scheduling_for(app, customer, site, &[]).await
}

/// As [`order_in_scheduling`], for these pieces of equipment.
pub(crate) async fn order_in_scheduling_for(
    app: &TestApp,
    customer: &str,
    site: &str,
    equipment: &[&str],
) -> (String, i64) {
    let created = app
        .as_manager()
        .post(
            "/api/v1/work-orders",
            json!({"customer_id": customer, "site_id": site, "scope_lines": [{"description": "Cartridge change", "quantity": 1, "unit_price": 120000}],
                   "estimated_minutes": 60, "equipment_ids": equipment}),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created["work_order"]["id"].as_str().unwrap().to_owned();
    let r = act(app, Role::Manager, &id, "agree", json!({"version": 1})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = act(
        app,
        Role::Manager,
        &id,
        "send-to-scheduling",
        json!({"version": 2}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    (id, 3)
}

pub(crate) async fn act(app: &TestApp, role: Role, order: &str, action: &str, body: Value) -> Resp {
    app.as_role(role)
        .post(
            &format!("/api/v1/work-orders/{order}/actions/{action}"),
            body,
        )
        .await
}

/// Tries an action the order's state does not allow and checks nothing changed.
async fn refused_in_current_state(app: &TestApp, order: &str) {
    let before = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let status = before["work_order"]["status"].as_str().unwrap().to_owned();
    let version = before["work_order"]["version"].clone();
    let (action, body) = if status == "certified" {
        ("agree", json!({"version": version}))
    } else {
        ("close", json!({"version": version, "next_step": "x"}))
    };
    let r = act(app, Role::Manager, order, action, body).await;
    assert_eq!(
        (r.status, r.code()),
        (409, Some("invalid_transition")),
        "{action} while {status}"
    );
    assert_eq!(
        r.body["error"]["details"]["allowed"],
        before["work_order"]["allowed_actions"]
    );
    let after = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(after["work_order"], before["work_order"], "nothing changed");
}

pub(crate) fn engineer_id(app: &TestApp) -> String {
    app.users[&Role::Engineer].0.clone()
}

pub(crate) fn window(day: &str, from: &str, to: &str) -> (String, String) {
    (format!("{day}T{from}:00Z"), format!("{day}T{to}:00Z"))
}

async fn the_whole_chain_from_reminder_to_follow_up(app: TestApp) {
    let (customer, site, contact, equipment) = customer_with_site(&app, "Олена Коваленко").await;

    let agreement = app
        .as_manager()
        .post(
            &format!("/api/v1/customers/{customer}/agreements"),
            json!({"kind": "discount", "text": "10% off the next cartridge change", "percent": 10.0}),
        )
        .await;
    assert_eq!(agreement.status, 201, "{agreement:?}");
    let agreement_id = agreement["id"].as_str().unwrap().to_owned();

    let reminder = app
        .as_manager()
        .post("/api/v1/reminders", json!({"customer_id": customer, "due_on": "2026-12-01", "note": "Cartridges due", "equipment_id": equipment}))
        .await;
    assert_eq!(reminder.status, 201, "{reminder:?}");
    let reminder_id = reminder["id"].as_str().unwrap();
    let inbox = app.as_manager().get("/api/v1/reminders").await;
    assert_eq!(inbox["items"][0]["id"], reminder_id);
    assert_eq!(inbox["items"][0]["customer_name"], "Олена Коваленко");

    let converted = app
        .as_manager()
        .post(
            &format!("/api/v1/reminders/{reminder_id}/convert"),
            json!({}),
        )
        .await;
    assert_eq!(converted.status, 201, "{converted:?}");
    let order = converted["work_order"]["id"].as_str().unwrap().to_owned();
    assert_eq!(converted["work_order"]["status"], "new");
    assert_eq!(converted["work_order"]["site_id"], site.as_str());
    assert_eq!(converted["work_order"]["equipment_ids"], json!([equipment]));
    assert_eq!(converted["work_order"]["reminder_id"], reminder_id);
    assert_eq!(
        converted["agreements"][0]["id"],
        agreement_id.as_str(),
        "the promise travels with the order"
    );
    let again = app
        .as_manager()
        .post(
            &format!("/api/v1/reminders/{reminder_id}/convert"),
            json!({}),
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (409, Some("invalid_transition"))
    );

    let no_scope = act(&app, Role::Manager, &order, "agree", json!({"version": 1})).await;
    assert_eq!(
        (no_scope.status, no_scope.field()),
        (422, Some("scope_lines"))
    );
    let agreed = act(
        &app,
        Role::Manager,
        &order,
        "agree",
        json!({"version": 1, "scope_lines": [{"description": "Cartridge set", "quantity": 3, "unit_price": 45000},
                                             {"description": "Promised discount 10%", "quantity": 1, "unit_price": -13500}],
               "estimated_minutes": 45, "required_skills": ["filters"], "time_wishes": "mornings",
               "honoured_agreement_ids": [agreement_id]}),
    )
    .await;
    assert_eq!(agreed.status, 200, "{agreed:?}");
    assert_eq!(agreed["work_order"]["status"], "agreed");
    assert_eq!(agreed["work_order"]["total"], 121500);
    assert_eq!(agreed["agreements"][0]["status"], "honoured");

    let sent = act(
        &app,
        Role::Manager,
        &order,
        "send-to-scheduling",
        json!({"version": 2}),
    )
    .await;
    assert_eq!(sent["work_order"]["status"], "scheduling");

    let queue = app.as_administrator().get("/api/v1/scheduling-queue").await;
    assert_eq!(queue.status, 200, "{queue:?}");
    let item = &queue.body[0];
    assert_eq!(item["work_order_id"], order.as_str());
    assert_eq!(
        item["scope_summary"],
        "Cartridge set; Promised discount 10%"
    );
    assert_eq!(item["estimated_minutes"], 45);
    assert_eq!(item["required_skills"], json!(["filters"]));
    assert_eq!(item["access_notes"], "Gate code 1942");
    assert_eq!(item["latitude"], 50.45);
    assert_eq!(item["on_site_contact"]["name"], "Петро");
    assert_eq!(item["on_site_contact"]["availability"], "after 14:00");
    assert_eq!(item["time_wishes"], "mornings");

    let (start, end) = window(&day_ahead(7), "08:00", "09:00");
    let scheduled = act(
        &app,
        Role::Administrator,
        &order,
        "schedule",
        json!({"version": 3, "engineer_id": engineer_id(&app), "start": start, "end": end, "on_site_contact_id": contact}),
    )
    .await;
    assert_eq!(scheduled.status, 200, "{scheduled:?}");
    assert_eq!(scheduled["visits"][0]["status"], "booked");
    assert_eq!(scheduled["visits"][0]["engineer_name"], "engineer");

    let day = app
        .as_engineer()
        .get(&format!("/api/v1/my/visits?date={}", day_ahead(7)))
        .await;
    assert_eq!(day.status, 200, "{day:?}");
    let mine = &day.body[0];
    assert_eq!(mine["customer_name"], "Олена Коваленко");
    assert_eq!(mine["site"]["access_notes"], "Gate code 1942");
    assert_eq!(mine["on_site_contact"]["phones"], json!(["+380671234567"]));
    assert_eq!(mine["equipment"][0]["model"], "Atoll A-550");
    assert_eq!(mine["work_order"]["version"], 4);
    assert_eq!(mine["visit"]["engineer_name"], "engineer", "their own name");
    assert!(app
        .as_engineer()
        .get(&format!("/api/v1/my/visits?date={}", day_ahead(8)))
        .await
        .body
        .as_array()
        .unwrap()
        .is_empty());

    let reschedule = window(&day_ahead(7), "10:00", "11:00");
    let moved = act(&app, Role::Administrator, &order, "reschedule",
        json!({"version": 4, "engineer_id": engineer_id(&app), "start": reschedule.0, "end": reschedule.1})).await;
    assert_eq!(moved.status, 200, "{moved:?}");
    assert_eq!(
        moved["visits"].as_array().unwrap().len(),
        1,
        "the visit moved, not doubled"
    );
    assert_eq!(moved["visits"][0]["planned_start"], reschedule.0.as_str());
    refused_in_current_state(&app, &order).await;

    for (action, version, body) in [
        ("start-travel", 5, json!({})),
        ("arrive", 6, json!({})),
        (
            "finish",
            7,
            json!({"result_notes": "Pressure fine", "parts_used": [{"name": "Cartridge", "quantity": 3}]}),
        ),
    ] {
        let mut body = body;
        body["version"] = json!(version);
        let r = act(&app, Role::Engineer, &order, action, body).await;
        assert_eq!(r.status, 200, "{action}: {r:?}");
        refused_in_current_state(&app, &order).await;
    }
    let certified = act(
        &app,
        Role::Administrator,
        &order,
        "certify",
        json!({"version": 8, "summary": "Three cartridges changed"}),
    )
    .await;
    assert_eq!(certified.status, 200, "{certified:?}");
    assert_eq!(certified["visits"][0]["outcome"], "done");
    assert_eq!(certified["visits"][0]["parts_used"][0]["name"], "Cartridge");
    assert_eq!(
        certified["visits"][0]["lines_done"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let closed = act(&app, Role::Manager, &order, "close",
        json!({"version": 9, "next_step": "Second filter in about 18 months", "follow_up_on": "2028-05-01"})).await;
    assert_eq!(closed.status, 200, "{closed:?}");
    assert_eq!(closed["work_order"]["status"], "closed");
    assert_eq!(closed["work_order"]["allowed_actions"], json!([]));

    let follow_up = app
        .as_manager()
        .get(&format!("/api/v1/reminders?customer_id={customer}"))
        .await;
    let kinds: Vec<&str> = follow_up["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["follow_up"]);
    assert_eq!(follow_up["items"][0]["due_on"], "2028-05-01");

    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline?limit=200"))
        .await;
    let actions: Vec<String> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_type"] == "work_order")
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .rev()
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "agree",
            "send-to-scheduling",
            "schedule",
            "reschedule",
            "start-travel",
            "arrive",
            "finish",
            "certify",
            "certificate_issued",
            "close"
        ]
    );

    let card = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/card"))
        .await;
    assert_eq!(card.status, 200, "{card:?}");
    assert_eq!(card["past_orders"][0]["id"], order.as_str());
    assert!(card["open_orders"].as_array().unwrap().is_empty());
    assert_eq!(card["last_visit"]["outcome"], "done");
    assert_eq!(card["contacts"][0]["name"], "Петро");
    assert_eq!(card["equipment"][0]["id"], equipment.as_str());
    assert_eq!(
        card["agreements"][0]["honoured_work_order_id"],
        order.as_str()
    );
    assert_eq!(card["next_due"]["kind"], "follow_up");
    assert!(!card["timeline"].as_array().unwrap().is_empty());
}

async fn illegal_actions_change_nothing_and_say_what_is_allowed(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "C").await;
    let created = app
        .as_manager()
        .post(
            "/api/v1/work-orders",
            json!({"customer_id": customer, "site_id": site}),
        )
        .await;
    let order = created["work_order"]["id"].as_str().unwrap().to_owned();
    let (start, end) = window(&day_ahead(7), "08:00", "09:00");
    let bodies = [
        ("send-to-scheduling", Role::Manager, json!({"version": 1})),
        (
            "close",
            Role::Manager,
            json!({"version": 1, "next_step": "x"}),
        ),
        (
            "schedule",
            Role::Administrator,
            json!({"version": 1, "engineer_id": engineer_id(&app), "start": start, "end": end}),
        ),
        (
            "reschedule",
            Role::Administrator,
            json!({"version": 1, "engineer_id": engineer_id(&app), "start": start, "end": end}),
        ),
        ("unschedule", Role::Administrator, json!({"version": 1})),
        (
            "certify",
            Role::Administrator,
            json!({"version": 1, "summary": "x"}),
        ),
        ("reopen", Role::Manager, json!({"version": 1})),
    ];
    for (action, role, body) in bodies {
        let r = act(&app, role, &order, action, body).await;
        assert_eq!(
            (r.status, r.code()),
            (409, Some("invalid_transition")),
            "{action}: {r:?}"
        );
        assert_eq!(r.body["error"]["details"]["current"], "new");
        assert_eq!(
            r.body["error"]["details"]["allowed"],
            json!(["agree", "postpone", "cancel"])
        );
    }
    for (action, body) in [
        ("start-travel", json!({"version": 1})),
        ("arrive", json!({"version": 1})),
        ("finish", json!({"version": 1})),
        ("no-access", json!({"version": 1, "reason": "x"})),
    ] {
        let r = act(&app, Role::Engineer, &order, action, body).await;
        assert_eq!(
            r.status, 404,
            "an engineer without a visit on it does not see the order: {action}"
        );
    }
    for (action, role) in [
        ("agree", Role::Engineer),
        ("agree", Role::Administrator),
        ("schedule", Role::Manager),
        ("certify", Role::Manager),
        ("close", Role::Administrator),
        ("finish", Role::Manager),
        ("cancel", Role::Engineer),
    ] {
        let r = act(&app, role, &order, action, json!({"version": 1})).await;
        assert_eq!(r.status, 403, "{action} as {role:?}: {r:?}");
    }
    let same = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(same["work_order"]["status"], "new");
    assert_eq!(same["work_order"]["version"], 1);
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline?limit=200"))
        .await;
    assert_eq!(
        timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["entity_type"] == "work_order")
            .count(),
        1,
        "only the creation"
    );
}

async fn stale_versions_are_refused(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "C").await;
    let created = app
        .as_manager()
        .post(
            "/api/v1/work-orders",
            json!({"customer_id": customer, "site_id": site,
               "scope_lines": [{"description": "x", "quantity": 1, "unit_price": 100}]}),
        )
        .await;
    let order = created["work_order"]["id"].as_str().unwrap().to_owned();
    let missing = act(&app, Role::Manager, &order, "agree", json!({})).await;
    assert_eq!((missing.status, missing.field()), (400, Some("version")));
    let stale = act(&app, Role::Manager, &order, "agree", json!({"version": 7})).await;
    assert_eq!((stale.status, stale.code()), (409, Some("stale_version")));
    assert_eq!(stale.body["error"]["details"]["current_version"], 1);
    let by_header = app
        .as_manager()
        .send_with_headers(
            "POST",
            &format!("/api/v1/work-orders/{order}/actions/agree"),
            Some("{}".into()),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(by_header.status, 200, "{by_header:?}");
    let replay = app
        .as_manager()
        .send_with_headers(
            "POST",
            &format!("/api/v1/work-orders/{order}/actions/send-to-scheduling"),
            Some("{}".into()),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!((replay.status, replay.code()), (409, Some("stale_version")));
}

async fn an_engineer_cannot_be_double_booked(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "C").await;
    let (first, v1) = order_in_scheduling(&app, &customer, &site).await;
    let (second, v2) = order_in_scheduling(&app, &customer, &site).await;
    let (start, end) = window(&day_ahead(7), "09:00", "11:00");
    let booked = act(
        &app,
        Role::Administrator,
        &first,
        "schedule",
        json!({"version": v1, "engineer_id": engineer_id(&app), "start": start, "end": end}),
    )
    .await;
    assert_eq!(booked.status, 200, "{booked:?}");
    let first_visit = booked["visits"][0]["id"].clone();

    let (s2, e2) = window(&day_ahead(7), "10:30", "11:30");
    let clash = act(
        &app,
        Role::Administrator,
        &second,
        "schedule",
        json!({"version": v2, "engineer_id": engineer_id(&app), "start": s2, "end": e2}),
    )
    .await;
    assert_eq!(
        (clash.status, clash.code()),
        (409, Some("engineer_busy")),
        "{clash:?}"
    );
    assert_eq!(clash.body["error"]["details"]["visit_id"], first_visit);
    assert_eq!(
        clash.body["error"]["details"]["work_order_id"],
        first.as_str()
    );

    let (s3, e3) = window(&day_ahead(7), "11:00", "12:00");
    let adjacent = act(
        &app,
        Role::Administrator,
        &second,
        "schedule",
        json!({"version": v2, "engineer_id": engineer_id(&app), "start": s3, "end": e3}),
    )
    .await;
    assert_eq!(adjacent.status, 200, "back to back is fine: {adjacent:?}");
    let forced = act(&app, Role::Administrator, &second, "reschedule",
        json!({"version": v2 + 1, "engineer_id": engineer_id(&app), "start": s2, "end": e2, "force": true})).await;
    assert_eq!(forced.status, 200, "force books anyway: {forced:?}");

    let backwards = act(
        &app,
        Role::Administrator,
        &second,
        "reschedule",
        json!({"version": v2 + 2, "engineer_id": engineer_id(&app), "start": e2, "end": s2}),
    )
    .await;
    assert_eq!((backwards.status, backwards.field()), (422, Some("end")));
    let not_engineer = act(&app, Role::Administrator, &second, "reschedule",
        json!({"version": v2 + 2, "engineer_id": app.users[&Role::Manager].0, "start": s2, "end": e2})).await;
    assert_eq!(
        (not_engineer.status, not_engineer.field()),
        (422, Some("engineer_id"))
    );
}

async fn an_engineer_reaches_only_its_own_visits(app: TestApp) {
    let other = app
        .as_owner()
        .post("/api/v1/users", json!({"email": "engineer2@test.orderly", "name": "Second", "roles": ["engineer"], "password": "long enough password"}))
        .await;
    let other_token = app.token_for(other["id"].as_str().unwrap());
    let (customer, site, _, _) = customer_with_site(&app, "C").await;
    let (order, version) = order_in_scheduling(&app, &customer, &site).await;
    let (start, end) = window(&day_ahead(7), "09:00", "10:00");
    let booked = act(
        &app,
        Role::Administrator,
        &order,
        "schedule",
        json!({"version": version, "engineer_id": engineer_id(&app), "start": start, "end": end}),
    )
    .await;
    let visit = booked["visits"][0]["id"].as_str().unwrap();

    let intruder = app.with_token(&other_token);
    assert_eq!(
        intruder
            .get(&format!("/api/v1/my/visits/{visit}"))
            .await
            .status,
        404
    );
    assert!(intruder
        .get(&format!("/api/v1/my/visits?date={}", day_ahead(7)))
        .await
        .body
        .as_array()
        .unwrap()
        .is_empty());
    let r = intruder
        .post(
            &format!("/api/v1/work-orders/{order}/actions/start-travel"),
            json!({"version": version + 1}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        app.as_engineer()
            .get(&format!("/api/v1/my/visits/{visit}"))
            .await
            .status,
        200
    );
    assert_eq!(
        intruder
            .get(&format!("/api/v1/work-orders/{order}"))
            .await
            .status,
        403
    );
}

async fn concurrent_bookings_have_exactly_one_winner(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "C").await;
    let (order, version) = order_in_scheduling(&app, &customer, &site).await;
    let (start, end) = window(&day_ahead(7), "09:00", "10:00");
    let body =
        json!({"version": version, "engineer_id": engineer_id(&app), "start": start, "end": end});
    let (a, b) = futures_util::future::join(
        act(&app, Role::Administrator, &order, "schedule", body.clone()),
        act(&app, Role::Administrator, &order, "schedule", body),
    )
    .await;
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "one order: {a:?} {b:?}");
    let detail = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(detail["visits"].as_array().unwrap().len(), 1);

    let (o1, v1) = order_in_scheduling(&app, &customer, &site).await;
    let (o2, v2) = order_in_scheduling(&app, &customer, &site).await;
    let (s, e) = window(&day_ahead(8), "09:00", "10:00");
    let (a, b) = futures_util::future::join(
        act(
            &app,
            Role::Administrator,
            &o1,
            "schedule",
            json!({"version": v1, "engineer_id": engineer_id(&app), "start": s, "end": e}),
        ),
        act(
            &app,
            Role::Administrator,
            &o2,
            "schedule",
            json!({"version": v2, "engineer_id": engineer_id(&app), "start": s, "end": e}),
        ),
    )
    .await;
    let mut outcomes = [
        (a.status, a.code().map(str::to_owned)),
        (b.status, b.code().map(str::to_owned)),
    ];
    outcomes.sort();
    assert_eq!(
        outcomes,
        [(200, None), (409, Some("engineer_busy".to_owned()))],
        "one engineer's window"
    );
    let day = app
        .as_engineer()
        .get(&format!("/api/v1/my/visits?date={}", day_ahead(8)))
        .await;
    assert_eq!(day.body.as_array().unwrap().len(), 1);
}

async fn no_access_sends_the_order_back_with_the_reason(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "C").await;
    let (order, version) = order_in_scheduling(&app, &customer, &site).await;
    let (start, end) = window(&day_ahead(7), "09:00", "10:00");
    act(
        &app,
        Role::Administrator,
        &order,
        "schedule",
        json!({"version": version, "engineer_id": engineer_id(&app), "start": start, "end": end}),
    )
    .await;
    act(
        &app,
        Role::Engineer,
        &order,
        "start-travel",
        json!({"version": version + 1}),
    )
    .await;
    let missing = act(
        &app,
        Role::Engineer,
        &order,
        "no-access",
        json!({"version": version + 2}),
    )
    .await;
    assert_eq!((missing.status, missing.field()), (422, Some("reason")));
    let r = act(
        &app,
        Role::Engineer,
        &order,
        "no-access",
        json!({"version": version + 2, "reason": "nobody home, phone off"}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r["work_order"]["status"], "scheduling");
    assert_eq!(r["visits"][0]["outcome"], "no_access");
    let queue = app.as_administrator().get("/api/v1/scheduling-queue").await;
    assert_eq!(
        queue.body[0]["status_reason"],
        "no access: nobody home, phone off"
    );
    let day = app
        .as_engineer()
        .get(&format!("/api/v1/my/visits?date={}", day_ahead(7)))
        .await;
    assert_eq!(
        day.body[0]["visit"]["status"], "finished",
        "the engineer still sees what happened"
    );
}

async fn postpone_reopen_and_cancel(app: TestApp) {
    let (customer, site, _, _) = customer_with_site(&app, "C").await;
    let (order, version) = order_in_scheduling(&app, &customer, &site).await;
    let (start, end) = window(&day_ahead(7), "09:00", "10:00");
    act(
        &app,
        Role::Administrator,
        &order,
        "schedule",
        json!({"version": version, "engineer_id": engineer_id(&app), "start": start, "end": end}),
    )
    .await;
    let past = act(
        &app,
        Role::Manager,
        &order,
        "postpone",
        json!({"version": version + 1, "until": "2020-01-01", "reason": "x"}),
    )
    .await;
    assert_eq!((past.status, past.field()), (422, Some("until")));
    let postponed = act(
        &app,
        Role::Administrator,
        &order,
        "postpone",
        json!({"version": version + 1, "until": "2031-03-01", "reason": "customer abroad"}),
    )
    .await;
    assert_eq!(postponed.status, 200, "{postponed:?}");
    assert_eq!(postponed["work_order"]["postponed_until"], "2031-03-01");
    assert_eq!(
        postponed["visits"][0]["status"], "cancelled",
        "the engineer's time is freed"
    );
    let reopened = act(
        &app,
        Role::Manager,
        &order,
        "reopen",
        json!({"version": version + 2}),
    )
    .await;
    assert_eq!(reopened["work_order"]["status"], "scheduling");
    let no_reason = act(
        &app,
        Role::Manager,
        &order,
        "cancel",
        json!({"version": version + 3}),
    )
    .await;
    assert_eq!((no_reason.status, no_reason.field()), (422, Some("reason")));
    let cancelled = act(
        &app,
        Role::Manager,
        &order,
        "cancel",
        json!({"version": version + 3, "reason": "sold the house"}),
    )
    .await;
    assert_eq!(cancelled["work_order"]["status"], "cancelled");
    assert_eq!(cancelled["work_order"]["status_reason"], "sold the house");
}

async fn the_inbox_sorts_filters_snoozes_and_dismisses(app: TestApp) {
    let (a, _, _, _) = customer_with_site(&app, "A").await;
    let b = app
        .as_manager()
        .post(
            "/api/v1/customers",
            json!({"kind": "organisation", "segment": "b2b", "name": "B Cafe"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut ids = Vec::new();
    for (customer, due) in [(&a, "2027-03-01"), (&b, "2027-01-15"), (&a, "2027-02-01")] {
        let r = app
            .as_manager()
            .post(
                "/api/v1/reminders",
                json!({"customer_id": customer, "due_on": due, "note": "call back"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        ids.push(r["id"].as_str().unwrap().to_owned());
    }
    let dues = |r: &Resp| -> Vec<String> {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["due_on"].as_str().unwrap().to_owned())
            .collect()
    };
    let inbox = app.as_manager().get("/api/v1/reminders?limit=2").await;
    assert_eq!(dues(&inbox), ["2027-01-15", "2027-02-01"]);
    let next = app
        .as_manager()
        .get(&format!(
            "/api/v1/reminders?limit=2&cursor={}",
            inbox["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(dues(&next), ["2027-03-01"]);
    assert_eq!(
        dues(&app.as_manager().get("/api/v1/reminders?segment=b2b").await),
        ["2027-01-15"]
    );
    assert_eq!(
        dues(&app.as_manager().get("/api/v1/reminders?city=kyiv").await),
        ["2027-02-01", "2027-03-01"]
    );
    assert_eq!(
        dues(
            &app.as_manager()
                .get("/api/v1/reminders?due_before=2027-02-01")
                .await
        ),
        ["2027-01-15", "2027-02-01"]
    );

    let snoozed = app
        .as_manager()
        .post(
            &format!("/api/v1/reminders/{}/snooze", ids[1]),
            json!({"until": "2030-01-01"}),
        )
        .await;
    assert_eq!(snoozed["status"], "snoozed");
    assert_eq!(
        snoozed["due_on"], "2027-01-15",
        "snoozing never moves the due date"
    );
    let no_reason = app
        .as_manager()
        .post(
            &format!("/api/v1/reminders/{}/dismiss", ids[0]),
            json!({"reason": " "}),
        )
        .await;
    assert_eq!((no_reason.status, no_reason.field()), (422, Some("reason")));
    let dismissed = app
        .as_manager()
        .post(
            &format!("/api/v1/reminders/{}/dismiss", ids[0]),
            json!({"reason": "moved away"}),
        )
        .await;
    assert_eq!(dismissed["status"], "dismissed");
    assert_eq!(
        dues(&app.as_manager().get("/api/v1/reminders").await),
        ["2027-02-01"]
    );
    assert_eq!(
        dues(
            &app.as_manager()
                .get("/api/v1/reminders?status=dismissed")
                .await
        ),
        ["2027-03-01"]
    );
    let again = app
        .as_manager()
        .post(
            &format!("/api/v1/reminders/{}/snooze", ids[0]),
            json!({"until": "2030-01-01"}),
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(app.as_engineer().get("/api/v1/reminders").await.status, 403);
}
