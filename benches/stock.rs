//! Stock at scale: 10,000 parts at 60 locations (10 warehouses, 50 vans),
//! a ledger of 1,000,000 rows, 50 engineers with 8 visits each tomorrow, every
//! order putting in two parts held at a warehouse. Measured (median of runs):
//! a page of a location's stock and the whole location paged through, the
//! load lists of all 50 engineers' day in one call, and what issuing two
//! parts from the van adds to `finish` (finishes with and without parts,
//! alternated). The aims: on-hand and the 50 load lists under 200 ms;
//! issuing parts adds under 5 ms to finish.
//!
//! `cargo bench --bench stock` (SQLite in a temporary directory; also on
//! PostgreSQL when `ORDERLY_BENCH_POSTGRES_URL` names a server).
//! `ORDERLY_BENCH_MOVEMENTS` sets the ledger's size (default 1,000,000).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;

use orderly::core::calendar::day_bounds;
use orderly::core::ids::{LocationId, MovementId, PartId, TypedId, UserId, VisitId, WorkOrderId};
use orderly::core::part::{PartFields, PartKind};
use orderly::core::role::Role;
use orderly::core::stock::{LocationKind, MovementKind, Quantity};
use orderly::core::visit::{PartUsed, VisitStatus};
use orderly::core::work_order::{Priority, ScopeLine, WorkOrderKind, WorkOrderStatus};
use orderly::flow::actions::{act, Request, Step};
use orderly::flow::{bodies, load_lists, stock};
use orderly::store::page::PageRequest;
use orderly::store::parts::PartRow;
use orderly::store::reservations::{self, ReservationRow};
use orderly::store::stock::{self as ledger, LocationRow, MovementRow};
use orderly::store::visits::{self, VisitRow};
use orderly::store::work_orders::{self, WorkOrderRow};
use orderly::store::DbConnection;

const PARTS: usize = 10_000;
const WAREHOUSES: usize = 10;
const ENGINEERS: usize = 50;
const VISITS_A_DAY: usize = 8;
/// Orders finished with and without parts, each.
const FINISHES: usize = 40;

fn id<T: TypedId>(kind: u32, i: usize) -> T {
    T::parse(&format!("{i:08x}-0000-7000-8000-{kind:012x}")).unwrap()
}

fn median(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64() * 1000.0
}

/// Customers and sites for the orders, by SQL.
fn customers(n: usize) -> String {
    let at = "'2026-01-01 00:00:00'";
    let mut sql = String::from("BEGIN;\n");
    for i in 0..n {
        sql += &format!(
            "INSERT INTO customers (id, kind, segment, name, tags, search_text, created_at, updated_at) \
             VALUES ('{c}', 'person', 'b2c', 'Customer {i}', '[]', '', {at}, {at});\n\
             INSERT INTO sites (id, customer_id, address_line1, city, search_text, created_at, updated_at) \
             VALUES ('{s}', '{c}', '{i} Main St', 'Kyiv', '', {at}, {at});\n",
            c = id::<orderly::core::ids::CustomerId>(1, i),
            s = id::<orderly::core::ids::SiteId>(2, i),
        );
    }
    sql + "COMMIT;\n"
}

macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(500) {
            match $conn {
                DbConnection::Sqlite(c) => {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(chunk), c)
                        .unwrap()
                }
                DbConnection::Postgresql(c) => {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(chunk), c)
                        .unwrap()
                }
            };
        }
    };
}

struct Company {
    engineers: Vec<UserId>,
    warehouses: Vec<LocationId>,
    parts: Vec<PartId>,
}

fn fill(conn: &mut DbConnection, movements: usize, at: NaiveDateTime) -> Company {
    let engineers: Vec<UserId> = (0..ENGINEERS).map(|i| id(10, i)).collect();
    for (i, e) in engineers.iter().enumerate() {
        orderly::store::users::insert(
            conn,
            e,
            &format!("engineer{i}@bench.test"),
            &format!("Engineer {i}"),
            "x",
            &[Role::Engineer],
        )
        .unwrap();
    }
    let mut places = vec![];
    for w in 0..WAREHOUSES {
        places.push(LocationRow {
            id: id(11, w),
            kind: LocationKind::Warehouse,
            name: format!("Warehouse {w:02}"),
            engineer_id: None,
            address: None,
            allow_negative: false,
            active: true,
            created_at: at,
            updated_at: at,
        });
    }
    for (i, e) in engineers.iter().enumerate() {
        places.push(LocationRow {
            id: id(12, i),
            kind: LocationKind::Van,
            name: format!("Van {i:02}"),
            engineer_id: Some(e.to_string()),
            address: None,
            allow_negative: false,
            active: true,
            created_at: at,
            updated_at: at,
        });
    }
    for p in &places {
        ledger::insert_location(conn, p).unwrap();
    }
    let parts: Vec<PartRow> = (0..PARTS)
        .map(|i| {
            PartRow::new(
                id(13, i),
                PartFields {
                    sku: format!("SKU-{i:05}"),
                    name: format!("Part {i}"),
                    names: Default::default(),
                    unit: "pcs".into(),
                    kind: PartKind::SparePart,
                    price: 10_000 + i as i64,
                    cost: 6_000 + i as i64,
                    compatible: vec![],
                    barcode: None,
                    active: true,
                },
                "UAH",
                at,
                at,
            )
        })
        .collect();
    insert_all!(conn, orderly::store::schema::parts::table, parts);
    // Every part at every location: 600,000 levels; 20 of each in the
    // warehouses, the vans holding only the upper half of the catalogue.
    conn.batch_execute(
        "INSERT INTO stock_levels (location_id, part_id, on_hand, minimum, updated_at, reserved) \
         SELECT l.id, p.id, \
         CASE WHEN l.kind = 'van' AND p.sku < 'SKU-05000' THEN 0 ELSE 20000 END, \
         5000, '2026-01-01 00:00:00', 0 \
         FROM stock_locations l CROSS JOIN parts p",
    )
    .unwrap();
    let rows: Vec<MovementRow> = (0..movements)
        .map(|i| MovementRow {
            id: MovementId::new(),
            batch_id: MovementId::new(),
            part_id: id(13, i % PARTS),
            location_id: places[i % places.len()].id.clone(),
            kind: MovementKind::Receipt,
            quantity: 1000,
            on_hand_after: 20000,
            reason: None,
            work_order_id: None,
            actor_id: None,
            created_at: at,
        })
        .collect();
    for chunk in rows.chunks(50_000) {
        ledger::insert_movements(conn, chunk).unwrap();
    }
    Company {
        engineers,
        warehouses: places[..WAREHOUSES].iter().map(|p| p.id.clone()).collect(),
        parts: (0..PARTS).map(|i| id(13, i)).collect(),
    }
}

/// An order of two parts with its visit; held at warehouse `w` (or the van).
#[allow(clippy::too_many_arguments)]
fn order(
    conn: &mut DbConnection,
    n: usize,
    engineer: &UserId,
    parts: [&PartId; 2],
    start: NaiveDateTime,
    status: WorkOrderStatus,
    held_at: &LocationId,
    at: NaiveDateTime,
) -> WorkOrderId {
    let order_id: WorkOrderId = id(14, n);
    let lines: Vec<ScopeLine> = parts
        .iter()
        .map(|p| ScopeLine {
            part_id: Some((*p).clone()),
            ..ScopeLine::work("Part", 1.0, 10_000)
        })
        .chain([ScopeLine::work("Labour", 1.0, 50_000)])
        .collect();
    work_orders::insert(
        conn,
        &WorkOrderRow {
            id: order_id.clone(),
            customer_id: id(1, n),
            site_id: id(2, n),
            equipment_ids: "[]".into(),
            status,
            priority: Priority::Normal,
            scope_lines: serde_json::to_string(&lines).unwrap(),
            total: 70_000,
            currency: "UAH".into(),
            estimated_minutes: Some(60),
            required_skills: "[]".into(),
            engineer_notes: None,
            time_wishes: None,
            reminder_id: None,
            status_reason: None,
            postponed_until: None,
            postponed_from: None,
            completion_summary: None,
            next_step: None,
            version: 1,
            created_by: None,
            created_at: at,
            updated_at: at,
            time_windows: "[]".into(),
            kind: WorkOrderKind::Service,
            agreed_at: None,
            scheduled_at: None,
            completed_at: None,
        },
    )
    .unwrap();
    visits::insert(
        conn,
        &VisitRow {
            id: id::<VisitId>(15, n),
            work_order_id: order_id.clone(),
            engineer_id: engineer.clone(),
            planned_start: start,
            planned_end: start + chrono::Duration::minutes(50),
            on_site_contact_id: None,
            status: if status == WorkOrderStatus::OnSite {
                VisitStatus::OnSite
            } else {
                VisitStatus::Booked
            },
            travel_started_at: None,
            arrived_at: None,
            finished_at: None,
            outcome: None,
            result_notes: None,
            lines_done: "[]".into(),
            parts_used: "[]".into(),
            created_at: at,
            updated_at: at,
            customer_response: None,
            customer_response_note: None,
            customer_responded_at: None,
            recommendations: None,
            customer_rating: None,
            customer_comment: None,
            booking_version: 1,
        },
    )
    .unwrap();
    for p in parts {
        reservations::change_reserved(conn, held_at, p, Quantity::units(1), at).unwrap();
        reservations::put(
            conn,
            &ReservationRow {
                work_order_id: order_id.clone(),
                part_id: p.clone(),
                location_id: held_at.clone(),
                quantity: 1000,
                created_at: at,
                updated_at: at,
            },
        )
        .unwrap();
    }
    order_id
}

fn run(backend: &str, url: &str, data: &std::path::Path, movements: usize) {
    let orders = ENGINEERS * VISITS_A_DAY + 2 * FINISHES;
    let runtime = common::runtime(url, data, &customers(orders));
    let tz = runtime.config().timezone;
    let mut conn = runtime.database.pool.get().unwrap();
    let conn = &mut *conn;
    let at = orderly::store::now();
    let t = Instant::now();
    let company = fill(conn, movements, at);
    let tomorrow = Utc::now().with_timezone(&tz).date_naive() + Days::new(1);
    let (day_start, _) = day_bounds(tomorrow, tz);
    let mut n = 0;
    for (e, engineer) in company.engineers.iter().enumerate() {
        for v in 0..VISITS_A_DAY {
            let parts = [
                &company.parts[n * 2 % PARTS],
                &company.parts[(n * 2 + 1) % PARTS],
            ];
            let start = day_start + chrono::Duration::hours(8 + v as i64);
            let w = &company.warehouses[(e + v) % WAREHOUSES];
            order(
                conn,
                n,
                engineer,
                parts,
                start,
                WorkOrderStatus::Scheduled,
                w,
                at,
            );
            n += 1;
        }
    }
    // Orders on site today, half to finish with their parts, half without.
    let today_start = day_bounds(tomorrow - Days::new(1), tz).0;
    let mut on_site = vec![];
    for k in 0..2 * FINISHES {
        let e = k % ENGINEERS;
        let van: LocationId = id(12, e);
        let parts = [
            &company.parts[(5000 + 2 * k) % PARTS],
            &company.parts[(5001 + 2 * k) % PARTS],
        ];
        let start = today_start + chrono::Duration::minutes(k as i64);
        let o = order(
            conn,
            n,
            &company.engineers[e],
            parts,
            start,
            WorkOrderStatus::OnSite,
            &van,
            at,
        );
        on_site.push((
            o,
            company.engineers[e].clone(),
            [parts[0].clone(), parts[1].clone()],
        ));
        n += 1;
    }
    println!(
        "{backend}: {PARTS} parts × {} locations, {movements} ledger rows, {} orders loaded in {:.1} s",
        WAREHOUSES + ENGINEERS,
        n,
        t.elapsed().as_secs_f64()
    );

    let warehouse = &company.warehouses[0];
    let page = PageRequest {
        limit: 100,
        cursor: None,
    };
    let runs: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let p = stock::stock_at(conn, warehouse, false, &page).unwrap();
            assert_eq!(p.items.len(), 100);
            t.elapsed()
        })
        .collect();
    let first_page = median(runs);
    let runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let mut page = PageRequest {
                limit: 200,
                cursor: None,
            };
            let mut seen = 0;
            loop {
                let p = stock::stock_at(conn, warehouse, false, &page).unwrap();
                seen += p.items.len();
                match p.next_cursor {
                    Some(c) => page.cursor = Some(c),
                    None => break,
                }
            }
            assert_eq!(seen, PARTS);
            t.elapsed()
        })
        .collect();
    let whole = median(runs);
    let runs: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let lists = load_lists::load_lists(conn, tomorrow, tz, None).unwrap();
            assert_eq!(lists.len(), ENGINEERS);
            assert!(lists.iter().all(|l| l.lines.len() == 2 * VISITS_A_DAY
                && l.lines.iter().all(|x| x.to_pick == Quantity::units(1))));
            t.elapsed()
        })
        .collect();
    let lists = median(runs);

    let outbox = orderly::store::db::Outbox::default();
    let mut with_parts = vec![];
    let mut without = vec![];
    for (k, (order, engineer, parts)) in on_site.iter().enumerate() {
        let actor = runtime.actor(engineer, vec![Role::Engineer]);
        let used: Vec<PartUsed> = if k % 2 == 0 {
            parts
                .iter()
                .map(|p| PartUsed {
                    name: String::new(),
                    quantity: 1.0,
                    part_id: Some(p.clone()),
                    unit_price: None,
                    unit_cost: None,
                })
                .collect()
        } else {
            vec![]
        };
        let request = Request::Finish(bodies::Finish {
            parts_used: used,
            ..Default::default()
        });
        let t = Instant::now();
        act(
            conn,
            &outbox,
            &actor,
            order,
            Step::at_version(request, Some(1)),
        )
        .unwrap();
        let took = t.elapsed();
        if k % 2 == 0 {
            with_parts.push(took);
        } else {
            without.push(took);
        }
    }
    let (with_ms, without_ms) = (median(with_parts), median(without));
    println!(
        "{backend}: a location's stock: a page of 100 {first_page:.1} ms, all {PARTS} lines in pages of 200 {whole:.1} ms; \
         the load lists of {ENGINEERS} engineers × {VISITS_A_DAY} visits {lists:.1} ms (aim < 200 ms); \
         finish {without_ms:.1} ms without parts, {with_ms:.1} ms issuing two from the van: +{:.1} ms (aim < 5 ms)",
        with_ms - without_ms
    );
}

fn main() {
    let movements: usize = std::env::var("ORDERLY_BENCH_MOVEMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("stock.sqlite");
    run("SQLite", &path.to_string_lossy(), dir.path(), movements);
    if let Some(db) = common::BenchDatabase::create() {
        let data = tempfile::tempdir().expect("temporary directory");
        run("PostgreSQL", &db.url, data.path(), movements);
    }
}
