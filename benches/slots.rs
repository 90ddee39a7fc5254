//! The customer's slot search (`GET /c/{token}`, without the HTTP around it):
//! 20 engineers around Kyiv with ten days of booked routes (five visits a day
//! each, 1,000 visits), one order waiting for the customer's choice. Each run
//! reads the board from the database, measures travel on the straight-line
//! model and prices every gap of every engineer-day; the aim is under 300 ms.
//!
//! `cargo bench --bench slots` (SQLite in a temporary directory; also on
//! PostgreSQL when `ORDERLY_BENCH_POSTGRES_URL` names a server). Fixed seed:
//! the same company every run.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Instant;

use chrono::{Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::{rngs::StdRng, Rng, SeedableRng};

use orderly::core::ids::{TypedId, WorkOrderId};
use orderly::flow::self_scheduling::{self, Choice};

const ENGINEERS: usize = 20;
const DAYS: u64 = 10;
/// Booked visits a day per engineer, an hour each.
const STARTS: [(u32, u32); 5] = [(8, 30), (10, 0), (13, 0), (14, 30), (16, 0)];
const RUNS: usize = 21;
const CENTRE: (f64, f64) = (50.4501, 30.5234);

fn around(rng: &mut StdRng, km: f64) -> (f64, f64) {
    let r = km * rng.gen::<f64>().sqrt();
    let a = rng.gen::<f64>() * std::f64::consts::TAU;
    (
        CENTRE.0 + r * a.sin() / 111.2,
        CENTRE.1 + r * a.cos() / (111.2 * CENTRE.0.to_radians().cos()),
    )
}

fn id(kind: u32, i: usize) -> String {
    format!("{i:08x}-0000-7000-8000-{kind:012x}")
}

/// The company as SQL both backends take.
fn company(tz: Tz) -> (String, WorkOrderId) {
    let mut rng = StdRng::seed_from_u64(2026);
    let at = "'2026-01-01 00:00:00'";
    let mut sql = String::from("BEGIN;\n");
    for e in 0..ENGINEERS {
        let (lat, lng) = around(&mut rng, 10.0);
        sql += &format!(
            "INSERT INTO users (id, email, name, password_hash, roles, active, token_version, created_at, updated_at) \
             VALUES ('{}', 'e{e}@bench.test', 'Engineer {e}', 'x', '[\"engineer\"]', TRUE, 0, {at}, {at});\n\
             INSERT INTO engineer_profiles (user_id, skills, work_days, shift_start, shift_end, break_start, \
             break_minutes, start_latitude, start_longitude, updated_at) VALUES ('{}', '[]', '[1,2,3,4,5,6,7]', \
             '08:00', '17:00', '12:00', 30, {lat}, {lng}, {at});\n",
            id(0xff, e),
            id(0xff, e)
        );
    }
    let today = Utc::now().with_timezone(&tz).date_naive();
    let mut n = 0;
    let mut customer = |sql: &mut String, rng: &mut StdRng| {
        let (lat, lng) = around(rng, 12.0);
        sql.push_str(&format!(
            "INSERT INTO customers (id, kind, segment, name, tags, search_text, created_at, updated_at) \
             VALUES ('{c}', 'person', 'b2c', 'Customer {n}', '[]', '', {at}, {at});\n\
             INSERT INTO sites (id, customer_id, address_line1, city, latitude, longitude, search_text, created_at, updated_at) \
             VALUES ('{s}', '{c}', '{n} Main St', 'Kyiv', {lat}, {lng}, '', {at}, {at});\n",
            c = id(1, n),
            s = id(2, n),
        ));
        n += 1;
        (id(1, n - 1), id(2, n - 1))
    };
    let mut visit = 0;
    for day in 0..DAYS {
        let date = today.checked_add_days(Days::new(day)).unwrap();
        for e in 0..ENGINEERS {
            for (h, m) in STARTS {
                let (c, s) = customer(&mut sql, &mut rng);
                let start = tz
                    .from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap()))
                    .earliest()
                    .unwrap()
                    .with_timezone(&Utc);
                let (start, end) = (
                    start.naive_utc().format("%Y-%m-%d %H:%M:%S"),
                    (start + chrono::Duration::hours(1))
                        .naive_utc()
                        .format("%Y-%m-%d %H:%M:%S"),
                );
                sql += &format!(
                    "INSERT INTO work_orders (id, customer_id, site_id, equipment_ids, status, priority, scope_lines, \
                     total, currency, required_skills, version, created_by, created_at, updated_at, kind) \
                     VALUES ('{o}', '{c}', '{s}', '[]', 'scheduled', 'normal', '[]', 0, 'UAH', '[]', 1, NULL, {at}, {at}, 'service');\n\
                     INSERT INTO visits (id, work_order_id, engineer_id, planned_start, planned_end, status, lines_done, \
                     parts_used, created_at, updated_at) VALUES ('{v}', '{o}', '{eng}', '{start}', '{end}', 'booked', \
                     '[]', '[]', {at}, {at});\n",
                    o = id(4, visit),
                    v = id(5, visit),
                    eng = id(0xff, e),
                );
                visit += 1;
            }
        }
    }
    let (c, s) = customer(&mut sql, &mut rng);
    let waiting = id(4, visit);
    sql += &format!(
        "INSERT INTO work_orders (id, customer_id, site_id, equipment_ids, status, priority, scope_lines, total, \
         currency, required_skills, version, created_by, created_at, updated_at, kind, estimated_minutes) \
         VALUES ('{waiting}', '{c}', '{s}', '[]', 'scheduling', 'normal', '[]', 0, 'UAH', '[]', 3, NULL, {at}, {at}, 'service', 60);\n"
    );
    sql += "COMMIT;\n";
    (sql, WorkOrderId::parse(&waiting).unwrap())
}

fn run(backend: &str, url: &str, data: &std::path::Path) {
    let tz: Tz = "Europe/Kyiv".parse().expect("zone");
    let (sql, order) = company(tz);
    let runtime = common::runtime(url, data, &sql);
    let link = self_scheduling::link(&runtime.config().messaging, &order, Utc::now());
    let token = link.rsplit('/').next().unwrap().to_owned();
    let rt = actix_web::rt::System::new();
    let mut times = vec![];
    let mut offered = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let page = rt
            .block_on(self_scheduling::page(
                &runtime.database,
                runtime.config(),
                &token,
            ))
            .expect("page");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if let Choice::Open(slots) = page.state {
            offered = slots.len();
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{backend}: {ENGINEERS} engineers x {DAYS} days, {} booked visits: {offered} slots offered; \
         page median {:.1} ms, p95 {:.1} ms, max {:.1} ms (aim < 300 ms)",
        ENGINEERS * DAYS as usize * STARTS.len(),
        times[RUNS / 2],
        times[RUNS * 95 / 100],
        times[RUNS - 1]
    );
    assert!(offered > 0, "the waiting order gets slots");
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("slots.sqlite");
    run("SQLite", &path.to_string_lossy(), dir.path());
    if let Some(db) = common::BenchDatabase::create() {
        let data = tempfile::tempdir().expect("temporary directory");
        run("PostgreSQL", &db.url, data.path());
    }
}
