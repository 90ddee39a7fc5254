//! Maintenance-reminder generation at scale: N pieces of equipment, each with a plan
//! due some day in the next six months — a third by the calendar, a third after the
//! last service, a third by use of a litres meter (their day forecast from its
//! readings); the first run for a 60-day lead time, then a second run that must
//! create nothing. On SQLite, and on PostgreSQL when
//! `ORDERLY_BENCH_POSTGRES_URL` is set (a database is created and dropped).
//!
//! `cargo bench --bench generation [-- PLANS]` (default 300000).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use orderly::core::ids;
use orderly::scheduler::generate;
use orderly::store::schema::{customers, equipment, maintenance_plans, meters, sites};
use orderly::store::{self, now, DbConnection};

/// A multi-row insert on the connection's own backend (diesel's multi-backend
/// connection has no batch insert).
macro_rules! insert_many {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConnection::Sqlite(c) => diesel::insert_into($table).values(&$rows).execute(c),
            DbConnection::Postgresql(c) => diesel::insert_into($table).values(&$rows).execute(c),
        }
        .map_err(orderly::error::AppError::from)?
    };
}

const BATCH: usize = 500;

fn main() {
    let plans: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(300_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = dir.path().join("bench.db").to_string_lossy().into_owned();
    run("SQLite", &sqlite, plans);
    if let Some(db) = common::BenchDatabase::create() {
        run("PostgreSQL", &db.url, plans);
    }
}

fn run(backend: &str, url: &str, plans: usize) {
    let (pool, _) = store::connect(url, 2).expect("connect");
    let mut conn = pool.get().expect("connection");
    store::migrate(&mut conn).expect("migrate");
    let today = NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
    let config = orderly::config::Config::from_vars(
        [
            ("DATABASE_URL", url),
            (
                "ORDERLY_JWT_SECRET",
                "bench-secret-bench-secret-bench-secret",
            ),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    )
    .expect("config");
    let messaging = &config.messaging;
    let t = Instant::now();
    seed(&mut conn, plans, today);
    println!(
        "{backend}: seeded {plans} customers, sites, equipment and plans in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    reset_peak_memory();
    let t = Instant::now();
    let first = generate(&mut conn, &Default::default(), today, messaging).expect("first run");
    let first_time = t.elapsed();
    let t = Instant::now();
    let second = generate(&mut conn, &Default::default(), today, messaging).expect("second run");
    let second_time = t.elapsed();
    println!(
        "| {backend} | {plans} | first run: {} reminders in {:.2} s | second run: {} reminders in {:.2} s | peak RSS {} MiB |",
        first.reminders,
        first_time.as_secs_f64(),
        second.reminders,
        second_time.as_secs_f64(),
        peak_rss_kib() / 1024
    );
    assert_eq!(second.reminders, 0, "the second run must create nothing");
}

/// One customer, site and piece of equipment per plan; plans take turns between a
/// six-monthly calendar rule, "six months after the last service" and "every
/// 2,000 litres" (with its meter and the day its readings forecast), with due
/// dates spread evenly over the next 180 days (so about a third fall within 60 days).
fn seed(conn: &mut DbConnection, n: usize, today: NaiveDate) {
    let at = now();
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let rows: Vec<(String, NaiveDate)> = (start..end)
            .map(|i| (ids::new_id(), today + Duration::days((i % 180) as i64)))
            .collect();
        store::transaction(conn, |conn| {
            let c: Vec<_> = rows
                .iter()
                .map(|(id, _)| {
                    (
                        customers::id.eq(id.clone()),
                        customers::kind.eq("person"),
                        customers::segment.eq("b2c"),
                        customers::name.eq("Bench Customer"),
                        customers::tags.eq("[]"),
                        customers::search_text.eq("bench customer"),
                        customers::created_at.eq(at),
                        customers::updated_at.eq(at),
                    )
                })
                .collect();
            insert_many!(conn, customers::table, c);
            let s: Vec<_> = rows
                .iter()
                .map(|(id, _)| {
                    (
                        sites::id.eq(id.clone()),
                        sites::customer_id.eq(id.clone()),
                        sites::address_line1.eq("Khreshchatyk 1"),
                        sites::city.eq("Kyiv"),
                        sites::search_text.eq("khreshchatyk 1 kyiv"),
                        sites::created_at.eq(at),
                        sites::updated_at.eq(at),
                    )
                })
                .collect();
            insert_many!(conn, sites::table, s);
            let e: Vec<_> = rows
                .iter()
                .map(|(id, _)| {
                    (
                        equipment::id.eq(id.clone()),
                        equipment::customer_id.eq(id.clone()),
                        equipment::site_id.eq(id.clone()),
                        equipment::kind.eq("reverse osmosis filter"),
                        equipment::status.eq("in_service"),
                        equipment::search_text.eq("reverse osmosis filter"),
                        equipment::created_at.eq(at),
                        equipment::updated_at.eq(at),
                    )
                })
                .collect();
            insert_many!(conn, equipment::table, e);
            let m: Vec<_> = rows
                .iter()
                .enumerate()
                .filter(|(k, _)| k % 3 == 2)
                .map(|(_, (id, _))| {
                    (
                        meters::id.eq(id.clone()),
                        meters::equipment_id.eq(id.clone()),
                        meters::customer_id.eq(id.clone()),
                        meters::kind.eq("litres"),
                        meters::mode.eq("cumulative"),
                        meters::unit.eq("L"),
                        meters::created_at.eq(at),
                        meters::updated_at.eq(at),
                    )
                })
                .collect();
            insert_many!(conn, meters::table, m);
            let p: Vec<_> = rows
                .iter()
                .enumerate()
                .map(|(k, (id, due))| {
                    let calendar = k % 3 == 0;
                    let by_use = k % 3 == 2;
                    (
                        (
                            maintenance_plans::id.eq(id.clone()),
                            maintenance_plans::equipment_id.eq(id.clone()),
                            maintenance_plans::customer_id.eq(id.clone()),
                            maintenance_plans::service_kind.eq("Cartridge change"),
                            maintenance_plans::scope_lines.eq("[]"),
                            maintenance_plans::required_skills.eq("[]"),
                            maintenance_plans::lead_days.eq(60),
                            maintenance_plans::notify_customer.eq(false),
                            maintenance_plans::active.eq(true),
                        ),
                        (
                            maintenance_plans::recurrence_kind.eq(if calendar {
                                "calendar"
                            } else if by_use {
                                "usage"
                            } else {
                                "after_completion"
                            }),
                            maintenance_plans::rrule
                                .eq(calendar.then_some("FREQ=MONTHLY;INTERVAL=6")),
                            maintenance_plans::starts_on.eq(calendar.then_some(*due)),
                            maintenance_plans::every.eq((!calendar && !by_use).then_some(6)),
                            maintenance_plans::unit.eq((!calendar && !by_use).then_some("months")),
                            maintenance_plans::meter_id.eq(by_use.then(|| id.clone())),
                            maintenance_plans::every_units.eq(by_use.then_some(2000.0)),
                            maintenance_plans::baseline_total.eq(by_use.then_some(0.0)),
                            maintenance_plans::forecast_on.eq(by_use.then_some(*due)),
                            maintenance_plans::next_due_on.eq(Some(*due)),
                            maintenance_plans::appear_on.eq(Some(*due - Duration::days(60))),
                            maintenance_plans::created_at.eq(at),
                            maintenance_plans::updated_at.eq(at),
                        ),
                    )
                })
                .collect();
            insert_many!(conn, maintenance_plans::table, p);
            Ok(())
        })
        .expect("seed batch");
    }
}

/// Forgets the peak resident memory so far (Linux), so the figure is the generation's.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
