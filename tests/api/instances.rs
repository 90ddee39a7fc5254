//! Three instances on one PostgreSQL, each with its scheduler and its outbox
//! worker on, as a load balancer would run them: nothing is done twice.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use orderly::core::role::Role;
use orderly::store::Backend;
use serde_json::json;

use crate::sinks::SmsSink;
use crate::support::{day_ahead, postgres_url, TestApp};
use crate::work_orders::{act, customer_with_site, engineer_id, order_in_scheduling};

/// Customers, each with a plan coming due and an order booked for the same day.
const CUSTOMERS: usize = 9;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(app: &TestApp, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut app.state.database.pool.get().unwrap())
        .unwrap()
        .n
}

/// One statement's (rows, distinct keys).
fn rows_and_keys(app: &TestApp, from: &str, key: &str) -> (i64, i64) {
    (
        count(app, &format!("SELECT COUNT(*) AS n FROM {from}")),
        count(
            app,
            &format!("SELECT COUNT(DISTINCT {key}) AS n FROM {from}"),
        ),
    )
}

#[actix_web::test]
async fn three_instances_on_one_postgresql_do_nothing_twice() {
    if postgres_url().is_none() {
        eprintln!("ORDERLY_TEST_POSTGRES_URL is not set: several instances need PostgreSQL");
        return;
    }
    let sms = SmsSink::start().await;
    let webhook = format!("{}/sms", sms.url);
    let settings = [
        ("ORDERLY_SMS_PROVIDER", "webhook"),
        ("ORDERLY_SMS_WEBHOOK_URL", webhook.as_str()),
        ("ORDERLY_SMS_WEBHOOK_TOKEN", "hook-token"),
        ("ORDERLY_PUBLIC_URL", "http://orderly.test"),
        ("ORDERLY_OUTBOX_BATCH", "3"),
    ];
    let first = TestApp::spawn_with(Backend::Postgres, &settings).await;
    let instances = [
        &first,
        &first.another_instance(&settings),
        &first.another_instance(&settings),
    ];

    // The office works through whichever instance the balancer picks.
    let visit_day = day_ahead(4);
    let mut orders = Vec::new();
    for i in 0..CUSTOMERS {
        let app = instances[i % 3];
        let (customer, site, contact, equipment) =
            customer_with_site(app, &format!("Customer {i}")).await;
        let plan = app
            .as_manager()
            .post(
                &format!("/api/v1/equipment/{equipment}/plans"),
                json!({"service_kind": "Sanitising", "recurrence": "calendar", "rrule": "FREQ=MONTHLY;INTERVAL=6",
                       "starts_on": day_ahead(20), "lead_days": 30, "notify_customer": true}),
            )
            .await;
        assert_eq!(plan.status, 201, "{plan:?}");
        let (order, version) = order_in_scheduling(instances[(i + 1) % 3], &customer, &site).await;
        orders.push((order, version, contact));
    }

    // Three administrators book each order at once, each through another
    // instance: one booking wins, the others are told the order changed.
    for (hour, (order, version, contact)) in (6..).zip(&orders) {
        let mut answers = futures_util::future::join_all(instances.iter().map(|app| {
            let body = json!({"version": version, "engineer_id": engineer_id(app),
                "start": format!("{visit_day}T{hour:02}:00:00Z"), "end": format!("{visit_day}T{hour:02}:45:00Z"),
                "on_site_contact_id": contact});
            async move {
                act(app, Role::Administrator, order, "schedule", body)
                    .await
                    .status
            }
        }))
        .await;
        answers.sort();
        assert_eq!(answers, vec![200, 409, 409], "{order}");
    }

    // Now the scheduler and the outbox worker start on all three, and each runs
    // every job as of the evening before the visits, twice, at the same time.
    let workers: Vec<_> = instances
        .iter()
        .map(|app| orderly::notify::worker::start(&app.state).unwrap())
        .collect();
    let mut schedulers = Vec::new();
    for app in instances {
        schedulers.push(
            orderly::scheduler::start(app.state.runtime().clone())
                .await
                .unwrap(),
        );
    }
    let eve: chrono::DateTime<Utc> = format!("{}T12:00:00Z", day_ahead(3)).parse().unwrap();
    for _ in 0..2 {
        let runs = instances.iter().map(|app| {
            let pool = app.state.database.pool.clone();
            let config = app.state.config();
            actix_web::web::block(move || {
                orderly::scheduler::run_all(
                    &mut pool.get().unwrap(),
                    &Default::default(),
                    eve,
                    &config,
                )
            })
        });
        for run in futures_util::future::join_all(runs).await {
            run.unwrap().unwrap();
        }
    }

    // Every message delivered.
    let pending = "notifications WHERE status IN ('queued', 'sending', 'failed')";
    for _ in 0..500 {
        if count(&first, &format!("SELECT COUNT(*) AS n FROM {pending}")) == 0 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        count(&first, &format!("SELECT COUNT(*) AS n FROM {pending}")),
        0
    );

    let n = CUSTOMERS as i64;
    assert_eq!(
        rows_and_keys(&first, "reminders WHERE kind = 'maintenance'", "plan_id"),
        (n, n),
        "one maintenance reminder per plan"
    );
    assert_eq!(
        rows_and_keys(&first, "visits", "work_order_id"),
        (n, n),
        "one visit per order"
    );
    for event in ["visit_scheduled", "visit_reminder", "maintenance_due"] {
        let (messages, keys) = rows_and_keys(
            &first,
            &format!("notifications WHERE event = '{event}' AND channel = 'sms'"),
            "dedupe_key",
        );
        assert_eq!(
            (messages, keys),
            (n, n),
            "{event}: one message per customer"
        );
    }
    let sent = count(
        &first,
        "SELECT COUNT(*) AS n FROM notifications WHERE status = 'sent'",
    );
    let accepted = sms.accepted();
    let keys: HashSet<_> = accepted.iter().map(|r| r.idempotency_key.clone()).collect();
    assert_eq!(
        (accepted.len() as i64, keys.len() as i64),
        (sent, sent),
        "each message reached the provider once"
    );
    assert_eq!(sent, 3 * n);

    for worker in workers {
        worker.abort();
    }
    for scheduler in schedulers.into_iter().flatten() {
        let mut scheduler = scheduler;
        let _ = scheduler.shutdown().await;
    }
}
