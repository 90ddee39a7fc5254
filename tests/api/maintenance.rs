//! Maintenance plans, the generation job (from the scheduler and `orderly tick`), and lost customers.

use chrono::{DateTime, Months, TimeZone, Utc};
use orderly::core::role::Role;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::{day_ahead, TestApp};

on_both_backends!(
    plans_of_both_kinds_make_their_reminders_once,
    a_completed_service_moves_an_after_completion_plan_on,
    paused_and_ended_plans_stay_quiet,
    dismissing_never_makes_a_plan_forget,
    concurrent_runs_make_no_duplicates,
    lost_customers_are_listed_with_reasons,
    plan_input_is_checked,
    orderly_tick_runs_the_jobs_from_the_command_line,
    the_server_generates_at_start_up,
    overdue_visits_and_uncertified_work_remind_the_office,
);

/// A customer with a site and a filter installed on `installed_on`: (customer, equipment).
pub(crate) async fn equipment(app: &TestApp, installed_on: &str) -> (String, String) {
    let customer = app.customer("Олена").await;
    let site = app.site(&customer).await;
    let item = app
        .as_manager()
        .post("/api/v1/equipment", json!({"site_id": site, "kind": "reverse osmosis filter", "installed_on": installed_on}))
        .await;
    (customer, item["id"].as_str().unwrap().to_owned())
}

pub(crate) async fn plan(app: &TestApp, equipment: &str, body: Value) -> Value {
    let r = app
        .as_manager()
        .post(&format!("/api/v1/equipment/{equipment}/plans"), body)
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

/// Runs the scheduled jobs as of a moment, like `orderly tick --at`.
pub(crate) async fn tick(app: &TestApp, at: DateTime<Utc>) -> usize {
    let pool = app.state.database.pool.clone();
    let config = app.state.config();
    actix_web::web::block(move || {
        orderly::scheduler::run_all(&mut pool.get().unwrap(), &Default::default(), at, &config)
    })
    .await
    .unwrap()
    .unwrap()
    .generation
    .reminders
}

pub(crate) fn noon(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

pub(crate) async fn maintenance_reminders(app: &TestApp, customer: &str) -> Vec<Value> {
    let r = app
        .as_manager()
        .get(&format!(
            "/api/v1/reminders?customer_id={customer}&kind=maintenance"
        ))
        .await;
    r["items"].as_array().unwrap().clone()
}

async fn plans_of_both_kinds_make_their_reminders_once(app: TestApp) {
    let (customer, item) = equipment(&app, "2026-01-31").await;
    let after = plan(&app, &item, json!({"service_kind": "Cartridge change", "recurrence": "after_completion", "every": 6, "unit": "months",
        "scope_lines": [{"description": "Cartridge set", "quantity": 1, "unit_price": 145000}], "estimated_minutes": 45})).await;
    assert_eq!(
        after["next_due_on"], "2026-07-31",
        "counted from the installation"
    );
    assert_eq!(
        after["preview"],
        json!([
            "2026-07-31",
            "2027-01-31",
            "2027-07-31",
            "2028-01-31",
            "2028-07-31"
        ])
    );
    let calendar = plan(&app, &item, json!({"service_kind": "Sanitising", "recurrence": "calendar", "rrule": "FREQ=MONTHLY;INTERVAL=6",
        "starts_on": "2031-01-31", "lead_days": 30})).await;
    assert_eq!(
        calendar["preview"],
        json!([
            "2031-01-31",
            "2031-07-31",
            "2032-01-31",
            "2032-07-31",
            "2033-01-31"
        ])
    );

    assert_eq!(
        tick(&app, noon(2026, 12, 20)).await,
        1,
        "the overdue after-completion service; the calendar one is not near yet"
    );
    assert_eq!(
        tick(&app, noon(2026, 12, 20)).await,
        0,
        "a second run creates nothing"
    );
    assert_eq!(
        tick(&app, noon(2031, 1, 1)).await,
        1,
        "30 days ahead of 31 January"
    );
    assert_eq!(tick(&app, noon(2031, 1, 2)).await, 0);
    let reminders = maintenance_reminders(&app, &customer).await;
    let dues: Vec<&str> = reminders
        .iter()
        .map(|r| r["due_on"].as_str().unwrap())
        .collect();
    assert_eq!(dues, ["2026-07-31", "2031-01-31"]);
    assert!(reminders
        .iter()
        .all(|r| r["plan_id"].is_string() && r["equipment_id"] == item.as_str()));

    let plan_now = app
        .as_manager()
        .get(&format!(
            "/api/v1/plans/{}",
            calendar["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        plan_now["next_due_on"], "2031-07-31",
        "the calendar moved on"
    );

    let converted = app
        .as_manager()
        .post(
            &format!(
                "/api/v1/reminders/{}/convert",
                reminders[0]["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(converted.status, 201, "{converted:?}");
    assert_eq!(
        converted["work_order"]["scope_lines"][0]["description"], "Cartridge set",
        "the plan's scope"
    );
    assert_eq!(converted["work_order"]["estimated_minutes"], 45);
}

/// Takes a work order opened from a reminder all the way to closed.
pub async fn complete(app: &TestApp, reminder_id: &str) {
    let converted = app
        .as_manager()
        .post(
            &format!("/api/v1/reminders/{reminder_id}/convert"),
            json!({}),
        )
        .await;
    let order = converted["work_order"]["id"].as_str().unwrap().to_owned();
    let engineer = app.users[&Role::Engineer].0.clone();
    let steps: Vec<(Role, &str, Value)> = vec![
        (
            Role::Manager,
            "agree",
            json!({"scope_lines": [{"description": "Cartridges", "quantity": 1, "unit_price": 1000}]}),
        ),
        (Role::Manager, "send-to-scheduling", json!({})),
        (
            Role::Administrator,
            "schedule",
            json!({"engineer_id": engineer, "start": format!("{}T08:00:00Z", day_ahead(2)), "end": format!("{}T09:00:00Z", day_ahead(2))}),
        ),
        (Role::Engineer, "start-travel", json!({})),
        (Role::Engineer, "arrive", json!({})),
        (Role::Engineer, "finish", json!({})),
        (Role::Administrator, "certify", json!({"summary": "done"})),
        (
            Role::Manager,
            "close",
            json!({"next_step": "next change in six months"}),
        ),
    ];
    for (version, (role, action, mut body)) in steps.into_iter().enumerate() {
        body["version"] = json!(version + 1);
        let r = app
            .as_role(role)
            .post(
                &format!("/api/v1/work-orders/{order}/actions/{action}"),
                body,
            )
            .await;
        assert_eq!(r.status, 200, "{action}: {r:?}");
    }
}

async fn a_completed_service_moves_an_after_completion_plan_on(app: TestApp) {
    let (customer, item) = equipment(&app, "2026-01-31").await;
    let p = plan(&app, &item, json!({"service_kind": "Cartridge change", "recurrence": "after_completion", "every": 6, "unit": "months"})).await;
    let plan_id = p["id"].as_str().unwrap();
    assert_eq!(tick(&app, noon(2026, 8, 1)).await, 1);
    assert_eq!(
        tick(&app, noon(2026, 12, 1)).await,
        0,
        "waits for the service, no second reminder"
    );
    let first = maintenance_reminders(&app, &customer).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    complete(&app, &first).await;

    let today = Utc::now()
        .with_timezone(&app.state.config().timezone)
        .date_naive();
    let next = today.checked_add_months(Months::new(6)).unwrap();
    let moved = app
        .as_manager()
        .get(&format!("/api/v1/plans/{plan_id}"))
        .await;
    assert_eq!(moved["last_completed_on"], today.to_string());
    assert_eq!(
        moved["next_due_on"],
        next.to_string(),
        "six months after the service, not after the due date"
    );

    let before_lead = next - chrono::Duration::days(15);
    assert_eq!(
        tick(&app, before_lead.and_hms_opt(10, 0, 0).unwrap().and_utc()).await,
        0
    );
    let at_lead = next - chrono::Duration::days(14);
    assert_eq!(
        tick(&app, at_lead.and_hms_opt(10, 0, 0).unwrap().and_utc()).await,
        1
    );
    let open: Vec<String> = maintenance_reminders(&app, &customer)
        .await
        .iter()
        .map(|r| r["due_on"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(open, [next.to_string()]);
    // A second chain link: complete again, and the plan moves on from the new completion.
    complete(
        &app,
        maintenance_reminders(&app, &customer).await[0]["id"]
            .as_str()
            .unwrap(),
    )
    .await;
    let again = app
        .as_manager()
        .get(&format!("/api/v1/plans/{plan_id}"))
        .await;
    assert_eq!(
        again["next_due_on"],
        next.to_string(),
        "completed the same day again: six months from today"
    );
}

async fn paused_and_ended_plans_stay_quiet(app: TestApp) {
    let (customer, item) = equipment(&app, "2026-01-10").await;
    let p = plan(&app, &item, json!({"service_kind": "Check", "recurrence": "calendar", "rrule": "FREQ=MONTHLY", "starts_on": "2031-01-10", "lead_days": 0})).await;
    let id = p["id"].as_str().unwrap();
    let paused = app
        .as_manager()
        .patch(&format!("/api/v1/plans/{id}"), json!({"active": false}))
        .await;
    assert_eq!(paused["active"], false);
    assert_eq!(tick(&app, noon(2031, 3, 15)).await, 0, "paused");
    let resumed = app
        .as_manager()
        .patch(
            &format!("/api/v1/plans/{id}"),
            json!({"active": true, "ends_on": "2031-04-30"}),
        )
        .await;
    assert_eq!(resumed.status, 200, "{resumed:?}");
    assert_eq!(
        resumed["preview"],
        json!(["2031-01-10", "2031-02-10", "2031-03-10", "2031-04-10"]),
        "nothing after the end"
    );
    assert_eq!(
        tick(&app, noon(2031, 6, 30)).await,
        4,
        "January to April, then the plan ends"
    );
    assert_eq!(tick(&app, noon(2031, 12, 30)).await, 0);
    assert_eq!(maintenance_reminders(&app, &customer).await.len(), 4);
}

async fn dismissing_never_makes_a_plan_forget(app: TestApp) {
    let (customer, item) = equipment(&app, "2026-01-10").await;
    plan(&app, &item, json!({"service_kind": "Check", "recurrence": "calendar", "rrule": "FREQ=YEARLY", "starts_on": "2031-02-01"})).await;
    assert_eq!(tick(&app, noon(2031, 1, 20)).await, 1);
    let reminder = maintenance_reminders(&app, &customer).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let dismissed = app
        .as_manager()
        .post(
            &format!("/api/v1/reminders/{reminder}/dismiss"),
            json!({"reason": "will call in spring"}),
        )
        .await;
    assert_eq!(dismissed["due_on"], "2031-02-01");
    assert_eq!(tick(&app, noon(2031, 1, 21)).await, 0, "not made again");
    let lost = app.as_manager().get("/api/v1/lost-customers").await;
    assert_eq!(lost.body[0]["reason"], "declined");
    assert_eq!(
        tick(&app, noon(2032, 1, 20)).await,
        1,
        "next year's is made as usual"
    );
}

async fn concurrent_runs_make_no_duplicates(app: TestApp) {
    let mut customers = Vec::new();
    for _ in 0..4 {
        let (customer, item) = equipment(&app, "2026-01-10").await;
        plan(&app, &item, json!({"service_kind": "Check", "recurrence": "calendar", "rrule": "FREQ=WEEKLY", "starts_on": "2031-01-06", "lead_days": 28})).await;
        customers.push(customer);
    }
    // Two pools, as two server instances would have.
    let url = app.state.config().database_url.clone();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            let config = app.state.config();
            std::thread::spawn(move || {
                let (pool, _) = orderly::store::connect(&url, 2).unwrap();
                orderly::scheduler::run_all(
                    &mut pool.get().unwrap(),
                    &Default::default(),
                    noon(2031, 1, 1),
                    &config,
                )
                .unwrap()
                .generation
                .reminders
            })
        })
        .collect();
    let made: usize = runs.into_iter().map(|r| r.join().unwrap()).sum();
    assert_eq!(
        made,
        4 * 4,
        "four weekly dates within 28 days, for four plans, made once in all"
    );
    for customer in &customers {
        assert_eq!(maintenance_reminders(&app, customer).await.len(), 4);
    }
}

async fn lost_customers_are_listed_with_reasons(app: TestApp) {
    let (overdue, item) = equipment(&app, "2025-01-10").await;
    plan(&app, &item, json!({"service_kind": "Cartridge change", "recurrence": "after_completion", "every": 6, "unit": "months"})).await;
    let (busy, busy_item) = equipment(&app, "2025-01-10").await;
    plan(&app, &busy_item, json!({"service_kind": "Cartridge change", "recurrence": "after_completion", "every": 6, "unit": "months"})).await;
    assert_eq!(tick(&app, Utc::now()).await, 2);
    let busy_reminder = maintenance_reminders(&app, &busy).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.as_manager()
        .post(
            &format!("/api/v1/reminders/{busy_reminder}/convert"),
            json!({}),
        )
        .await;

    let lost = app.as_manager().get("/api/v1/lost-customers").await;
    assert_eq!(lost.status, 200, "{lost:?}");
    let rows = lost.body.as_array().unwrap();
    assert_eq!(
        rows.len(),
        1,
        "the customer with an open order is being looked after: {rows:?}"
    );
    assert_eq!(rows[0]["customer_id"], overdue.as_str());
    assert_eq!(rows[0]["reason"], "maintenance_overdue");
    assert_eq!(rows[0]["since"], "2025-07-10");
    assert_eq!(rows[0]["owner_name"], "manager");
    assert_eq!(rows[0]["city"], "Kyiv");

    assert!(app
        .as_manager()
        .get("/api/v1/lost-customers?segment=b2b")
        .await
        .body
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        app.as_manager()
            .get("/api/v1/lost-customers?city=kyi")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let csv = app
        .as_manager()
        .send("GET", "/api/v1/lost-customers?format=csv", None)
        .await;
    assert_eq!(csv.status, 200);
    let bad = app
        .as_manager()
        .get("/api/v1/lost-customers?format=pdf")
        .await;
    assert_eq!((bad.status, bad.field()), (400, Some("format")));
    assert_eq!(
        app.as_administrator()
            .get("/api/v1/lost-customers")
            .await
            .status,
        403
    );
}

async fn plan_input_is_checked(app: TestApp) {
    let (_, item) = equipment(&app, "2026-01-10").await;
    for (body, field) in [
        (
            json!({"service_kind": "x", "recurrence": "calendar", "rrule": "FREQ=SOMETIMES", "starts_on": "2027-01-01"}),
            "rrule",
        ),
        (
            json!({"service_kind": "x", "recurrence": "calendar", "rrule": "FREQ=DAILY"}),
            "starts_on",
        ),
        (
            json!({"service_kind": "x", "recurrence": "after_completion", "unit": "months"}),
            "every",
        ),
        (
            json!({"service_kind": "x", "recurrence": "after_completion", "every": 6}),
            "unit",
        ),
        (
            json!({"service_kind": " ", "recurrence": "after_completion", "every": 6, "unit": "months"}),
            "service_kind",
        ),
        (
            json!({"service_kind": "x", "recurrence": "after_completion", "every": 6, "unit": "months", "lead_days": -1}),
            "lead_days",
        ),
    ] {
        let r = app
            .as_manager()
            .post(&format!("/api/v1/equipment/{item}/plans"), body.clone())
            .await;
        assert_eq!((r.status, r.field()), (422, Some(field)), "{body}: {r:?}");
    }
    let r = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{item}/plans"),
            json!({"service_kind": "x", "recurrence": "weekly"}),
        )
        .await;
    assert_eq!((r.status, r.field()), (400, Some("recurrence")));
    assert!(app
        .as_manager()
        .get(&format!("/api/v1/equipment/{item}/plans"))
        .await
        .body
        .as_array()
        .unwrap()
        .is_empty());
}

async fn orderly_tick_runs_the_jobs_from_the_command_line(app: TestApp) {
    let (customer, item) = equipment(&app, "2026-01-31").await;
    plan(&app, &item, json!({"service_kind": "Cartridge change", "recurrence": "after_completion", "every": 6, "unit": "months"})).await;
    let config = &app.state.config();
    let data = tempfile::tempdir().unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_orderly"))
            .args(["tick", "--at", "2026-12-20T10:00:00+02:00"])
            .env("DATABASE_URL", &config.database_url)
            .env("ORDERLY_JWT_SECRET", "test-secret-test-secret-test-secret")
            .env("ORDERLY_DATA_DIR", data.path())
            .env("ORDERLY_LOG", "warn")
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("1 maintenance reminders created"));
    let second = run();
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 maintenance reminders created"));
    assert_eq!(maintenance_reminders(&app, &customer).await.len(), 1);
}

async fn the_server_generates_at_start_up(app: TestApp) {
    let (customer, item) = equipment(&app, "2025-01-31").await;
    plan(&app, &item, json!({"service_kind": "Cartridge change", "recurrence": "after_completion", "every": 6, "unit": "months"})).await;
    let scheduler = orderly::scheduler::start(app.state.runtime().clone())
        .await
        .unwrap();
    assert!(scheduler.is_some(), "the daily job is registered");
    for _ in 0..100 {
        if !maintenance_reminders(&app, &customer).await.is_empty() {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no reminder was generated at start-up");
}

async fn overdue_visits_and_uncertified_work_remind_the_office(app: TestApp) {
    let (customer, item) = equipment(&app, "2026-01-10").await;
    let site = app
        .as_manager()
        .get(&format!("/api/v1/equipment/{item}"))
        .await["site_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let engineer = app.users[&Role::Engineer].0.clone();
    let mut orders = Vec::new();
    let days = [day_ahead(1), day_ahead(2)];
    for day in &days {
        let created = app
            .as_manager()
            .post(
                "/api/v1/work-orders",
                json!({"customer_id": customer, "site_id": site,
                   "scope_lines": [{"description": "x", "quantity": 1, "unit_price": 100}]}),
            )
            .await;
        let id = created["work_order"]["id"].as_str().unwrap().to_owned();
        for (version, (role, action, mut body)) in [
            (Role::Manager, "agree", json!({})),
            (Role::Manager, "send-to-scheduling", json!({})),
            (Role::Administrator, "schedule", json!({"engineer_id": engineer, "start": format!("{day}T08:00:00Z"), "end": format!("{day}T09:00:00Z")})),
        ]
        .into_iter()
        .enumerate()
        {
            body["version"] = json!(version + 1);
            let r = app.as_role(role).post(&format!("/api/v1/work-orders/{id}/actions/{action}"), body).await;
            assert_eq!(r.status, 200, "{r:?}");
        }
        orders.push(id);
    }
    for (version, action) in [(4, "start-travel"), (5, "arrive"), (6, "finish")] {
        let r = app
            .as_engineer()
            .post(
                &format!("/api/v1/work-orders/{}/actions/{action}", orders[1]),
                json!({"version": version}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    let at = Utc::now() + chrono::Duration::days(4);
    let pool = app.state.database.pool.clone();
    let config = app.state.config();
    let run = move || {
        let pool = pool.clone();
        let config = config.clone();
        actix_web::web::block(move || {
            orderly::scheduler::run_all(&mut pool.get().unwrap(), &Default::default(), at, &config)
        })
    };
    let report = run().await.unwrap().unwrap();
    assert_eq!(
        (report.overdue.overdue_visits, report.overdue.not_certified),
        (1, 1)
    );
    let again = run().await.unwrap().unwrap();
    assert_eq!(
        (again.overdue.overdue_visits, again.overdue.not_certified),
        (0, 0),
        "once a day"
    );

    let inbox = app
        .as_administrator()
        .get("/api/v1/reminders?kind=overdue_visit")
        .await;
    assert_eq!(inbox.status, 200, "{inbox:?}");
    assert_eq!(inbox["items"][0]["work_order_id"], orders[0].as_str());
    // The moment is kept; the note is the company's time (Kyiv), never UTC.
    let planned = format!("{}T08:00:00Z", days[0]);
    assert_eq!(inbox["items"][0]["about_at"], planned.as_str());
    let local = planned
        .parse::<chrono::DateTime<Utc>>()
        .unwrap()
        .with_timezone(&app.state.config().timezone);
    let expected = format!(
        "The visit planned for {} has not started",
        local.format("%-d %B %Y, %H:%M")
    );
    assert_eq!(inbox["items"][0]["note"], expected.as_str());
    let card = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/card"))
        .await;
    let notes: Vec<&str> = card["open_reminders"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["note"].as_str())
        .collect();
    assert!(notes.contains(&expected.as_str()), "{notes:?}");
    let inbox = app
        .as_administrator()
        .get("/api/v1/reminders?kind=not_certified")
        .await;
    assert_eq!(inbox["items"][0]["work_order_id"], orders[1].as_str());
    let note = inbox["items"][0]["note"].as_str().unwrap();
    assert!(
        note.starts_with("Work done on ") && !note.contains("UTC"),
        "{note}"
    );
}
