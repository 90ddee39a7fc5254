//! The analytics dashboard over a large company: 100,000 customers (a tenth of
//! them businesses, in 20 cities), 1,000,000 work orders over five years (95 %
//! done, each with its visit, 30 % of visits rated), 300,000 reminders, 50,000
//! survey answers, 20 engineers. Times each report and the whole dashboard
//! (its reports side by side, as the page runs them) over the last 12 months.
//!
//! `cargo bench --bench analytics [-- CUSTOMERS]` (default 100000; orders are ten
//! times as many). The database is built with SQL in a few statements and kept in
//! `target/bench-analytics-v2-N.sqlite` for the next run (delete it to rebuild).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Instant;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use orderly::flow::analytics::{self as reports, AnalyticsQuery, Context};
use orderly::store;

const RUNS: usize = 5;

/// One report, run for its time.
type Part<'a> = Box<dyn Fn() + 'a>;

fn main() {
    let customers: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let path = format!("target/bench-analytics-v2-{customers}.sqlite");
    let fresh = !std::path::Path::new(&path).exists();
    let (pool, _) = store::connect(&path, 4).expect("connect");
    if fresh {
        let started = Instant::now();
        let mut conn = pool.get().expect("connection");
        store::migrate(&mut conn).expect("migrate");
        conn.batch_execute(&company(customers)).expect("generate");
        store::rollups::rebuild(&mut conn).expect("customer totals");
        conn.batch_execute("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("analyze");
        println!("built {path} in {:.1} s", started.elapsed().as_secs_f64());
    }
    let orders: i64 = {
        use orderly::store::schema::work_orders;
        work_orders::table
            .count()
            .get_result(&mut pool.get().unwrap())
            .unwrap()
    };
    println!("{customers} customers, {orders} work orders; SQLite; median of {RUNS} runs");
    let config = orderly::config::Config::from_vars(
        [
            ("DATABASE_URL", path.as_str()),
            (
                "ORDERLY_JWT_SECRET",
                "bench-secret-bench-secret-bench-secret",
            ),
            ("ORDERLY_TIMEZONE", "Europe/Kyiv"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    )
    .expect("config");
    let query = AnalyticsQuery {
        from: NaiveDate::from_ymd_opt(2025, 11, 23),
        to: NaiveDate::from_ymd_opt(2026, 11, 22),
        ..Default::default()
    };
    let cx = reports::with(&pool, |c| Context::resolve(c, &query, &config)).unwrap();
    let p = &pool;
    let cx = &cx;
    reports::with(p, store::rollups::forget_all).unwrap();
    let started = Instant::now();
    reports::dashboard(p, cx, "UAH").unwrap();
    println!(
        "whole dashboard, cold (every settled day computed and kept): {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let base = reports::customer_base(p, cx).unwrap();
    let years = reports::with(p, |c| reports::revenue_by_year(c, cx)).unwrap();
    let parts: Vec<(&str, Part)> = vec![
        (
            "customer ledger (dynamics, LTV, RFM)",
            Box::new(|| {
                reports::customer_base(p, cx).unwrap();
            }),
        ),
        (
            "revenue by year (the revenue path, read beside the ledger)",
            Box::new(|| {
                reports::with(p, |c| reports::revenue_by_year(c, cx)).unwrap();
            }),
        ),
        (
            "  dynamics and cohorts (formulas)",
            Box::new(|| {
                reports::customers_report(&base, cx);
            }),
        ),
        (
            "  lifetime value, 6 models (formulas)",
            Box::new(|| {
                let churn = reports::customers_report(&base, cx).dynamics.churn_rate;
                reports::with(p, |c| {
                    reports::value_report(c, &base, Some(&years), churn, cx)
                })
                .unwrap();
            }),
        ),
        (
            "  RFM quintiles (formulas)",
            Box::new(|| {
                reports::rfm_report(&base, cx);
            }),
        ),
        (
            "revenue by month and kind",
            Box::new(|| {
                reports::with(p, |c| reports::completed_hours(c, cx)).unwrap();
            }),
        ),
        (
            "funnel with median times",
            Box::new(|| {
                reports::with(p, |c| reports::funnel_report(c, cx)).unwrap();
            }),
        ),
        (
            "satisfaction (CSAT, NPS)",
            Box::new(|| {
                reports::with(p, |c| reports::satisfaction_report(c, cx)).unwrap();
            }),
        ),
        (
            "activity patterns",
            Box::new(|| {
                let hours = reports::with(p, |c| reports::completed_hours(c, cx)).unwrap();
                reports::with(p, |c| reports::activity_report(c, &hours, cx)).unwrap();
            }),
        ),
        (
            "field quality",
            Box::new(|| {
                reports::with(p, |c| reports::quality_report(c, cx)).unwrap();
            }),
        ),
        (
            "whole dashboard (in parallel)",
            Box::new(|| {
                reports::dashboard(p, cx, "UAH").unwrap();
            }),
        ),
    ];
    println!("| report | median | min |");
    println!("|---|---|---|");
    for (name, run) in &parts {
        let mut times: Vec<f64> = (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                run();
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.0} ms | {:.0} ms |",
            times[RUNS / 2],
            times[0]
        );
    }
    let d = reports::dashboard(p, cx, "UAH").unwrap();
    println!(
        "inside one dashboard run (ms, parts overlap): {:?}",
        d.timings
    );
    println!(
        "check: {} active customers, revenue {} over {} orders, {} RFM customers, FTF {:?}",
        d.customers.dynamics.active,
        d.revenue.total,
        d.revenue.orders,
        d.rfm.customers.len(),
        d.quality.first_time_fix.rate
    );
}

/// The generated company as SQL (SQLite): ids are UUID-shaped hex numbers,
/// spread with multiplicative hashing so that orders fall on all customers and days.
fn company(customers: u64) -> String {
    let orders = customers * 10;
    let reminders = customers * 3;
    let surveys = customers / 2;
    format!(
        r#"
BEGIN;
INSERT INTO users (id, email, name, password_hash, roles, active, token_version, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 24)
SELECT printf('%08x-0000-7000-8000-0000000000ff', i), 'user' || i || '@bench.test', 'User ' || i, 'x',
       CASE WHEN i < 20 THEN '["engineer"]' ELSE '["manager"]' END, TRUE, 0, '2020-01-01 00:00:00', '2020-01-01 00:00:00' FROM n;
INSERT INTO engineer_profiles (user_id, skills, work_days, shift_start, shift_end, break_start, break_minutes,
       start_latitude, start_longitude, updated_at)
SELECT id, '[]', '[1,2,3,4,5]', '08:00', '17:00', '12:00', 60, 50.45, 30.52, '2020-01-01 00:00:00'
FROM users WHERE roles = '["engineer"]';
INSERT INTO customers (id, kind, segment, name, tags, search_text, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {customers} - 1)
SELECT printf('%08x-0000-7000-8000-000000000001', i), CASE WHEN i % 10 = 0 THEN 'organisation' ELSE 'person' END,
       CASE WHEN i % 10 = 0 THEN 'b2b' ELSE 'b2c' END, 'Customer ' || i, '[]', 'customer ' || i,
       '2020-01-01 00:00:00', '2020-01-01 00:00:00' FROM n;
INSERT INTO sites (id, customer_id, address_line1, city, search_text, created_at, updated_at)
SELECT printf('%08x-0000-7000-8000-000000000002', rowid - 1), id, rowid || ' Main St', 'City ' || (rowid % 20), '',
       '2020-01-01 00:00:00', '2020-01-01 00:00:00' FROM customers;
INSERT INTO equipment (id, customer_id, site_id, kind, model, status, search_text, created_at, updated_at)
SELECT printf('%08x-0000-7000-8000-000000000003', rowid - 1), customer_id, id,
       CASE WHEN rowid % 3 = 0 THEN 'boiler' ELSE 'water_filter' END, 'Model ' || (rowid % 7), 'active', '',
       '2020-01-01 00:00:00', '2020-01-01 00:00:00' FROM sites;
INSERT INTO maintenance_plans (id, equipment_id, customer_id, service_kind, scope_lines, required_skills, lead_days,
       notify_customer, active, recurrence_kind, every, unit, next_due_on, created_at, updated_at)
SELECT printf('%08x-0000-7000-8000-000000000008', rowid - 1), id, customer_id, 'Service', '[]', '[]', 14, FALSE, TRUE,
       'interval', 6, 'months', date('2026-01-01', '+' || ((rowid * 7919) % 540) || ' days'),
       '2020-01-01 00:00:00', '2020-01-01 00:00:00' FROM equipment;
INSERT INTO work_orders (id, customer_id, site_id, equipment_ids, status, priority, scope_lines, total, currency,
       required_skills, version, created_by, created_at, updated_at, kind, agreed_at, scheduled_at, completed_at)
SELECT id, printf('%08x-0000-7000-8000-000000000001', c), printf('%08x-0000-7000-8000-000000000002', c),
       '["' || printf('%08x-0000-7000-8000-000000000003', c) || '"]',
       CASE WHEN done THEN 'closed' ELSE 'scheduling' END, 'normal', '[]', 50000 + (i * 7919) % 200000, 'UAH', '[]', 1,
       printf('%08x-0000-7000-8000-0000000000ff', 20 + i % 5), created, created,
       CASE i % 9 WHEN 0 THEN 'installation' WHEN 4 THEN 'repair' ELSE 'service' END,
       datetime(created, '+1 days'), CASE WHEN done THEN datetime(created, '+3 days') END,
       CASE WHEN done THEN datetime(created, '+10 days') END
FROM (WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {orders} - 1)
      SELECT i, printf('%08x-0000-7000-8000-000000000004', i) AS id, (i * 48271) % {customers} AS c,
             datetime('2021-11-22', '+' || ((i * 2654435761) % 157680000) || ' seconds') AS created,
             (i % 20) <> 0 AS done FROM n);
INSERT INTO visits (id, work_order_id, engineer_id, planned_start, planned_end, status, arrived_at, finished_at, outcome,
       lines_done, parts_used, created_at, updated_at, customer_rating)
SELECT printf('%08x-0000-7000-8000-000000000005', rowid), id, printf('%08x-0000-7000-8000-0000000000ff', rowid % 20),
       datetime(completed_at, '-2 hours'), completed_at, 'finished',
       CASE WHEN rowid % 20 = 7 THEN NULL ELSE datetime(completed_at, '-' || (60 + (rowid % 5) * 20) || ' minutes') END,
       datetime(completed_at, '+' || (rowid % 4) * 15 || ' minutes'),
       CASE WHEN rowid % 20 = 7 THEN 'no_access' ELSE 'done' END, '[]', '[]', created_at, created_at,
       CASE WHEN rowid % 10 < 3 THEN 1 + (rowid * 31) % 5 END
FROM work_orders WHERE completed_at IS NOT NULL;
INSERT INTO reminders (id, customer_id, kind, status, due_on, converted_work_order_id, created_at, updated_at)
SELECT printf('%08x-0000-7000-8000-000000000006', i), printf('%08x-0000-7000-8000-000000000001', (i * 7) % {customers}),
       'maintenance', CASE WHEN i % 5 < 3 THEN 'converted' ELSE 'open' END, date(created, '+14 days'),
       CASE WHEN i % 5 < 3 THEN printf('%08x-0000-7000-8000-000000000004', (i * 3) % {orders}) END, created, created
FROM (WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {reminders} - 1)
      SELECT i, datetime('2021-11-22', '+' || ((i * 2246822519) % 157680000) || ' seconds') AS created FROM n);
INSERT INTO surveys (id, customer_id, asked_at, score, answered_at)
SELECT printf('%08x-0000-7000-8000-000000000007', i), printf('%08x-0000-7000-8000-000000000001', (i * 13) % {customers}),
       asked, CASE WHEN i % 4 <> 0 THEN (i * 7) % 11 END, CASE WHEN i % 4 <> 0 THEN datetime(asked, '+1 days') END
FROM (WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {surveys} - 1)
      SELECT i, datetime('2021-11-22', '+' || ((i * 3266489917) % 157680000) || ' seconds') AS asked FROM n);
COMMIT;
"#
    )
}
