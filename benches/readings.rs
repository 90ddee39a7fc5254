//! Device readings taken in: batches of 100 readings from many devices, each
//! batch through `flow::devices::ingest` — the webhook's work after its
//! signature check and JSON parse (both measured apart below): the device and
//! replay checks, every reading checked against its neighbours and stored,
//! all or nothing, and each meter's plan by use forecast and its reminder made
//! when a batch crosses its threshold. Four batches in flight at once, as a
//! server's workers would take them. The aim: 20,000 readings/s.
//!
//! `cargo bench --bench readings` (SQLite in a temporary directory; also on
//! PostgreSQL when `ORDERLY_BENCH_POSTGRES_URL` names a server).
//! `ORDERLY_BENCH_READINGS` sets the total (default 200,000) and
//! `ORDERLY_BENCH_DEVICES` how many devices send them (default a tenth of the
//! batches); the scale is 1,000,000 from 10,000 devices.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Instant;

use chrono::{Duration, Utc};

use orderly::core::device::{sign, DeviceBatch, DeviceKeys, DeviceReading};
use orderly::core::ids::{DeviceId, MeterId, TypedId};
use orderly::core::meter::ReadingKind;
use orderly::flow::devices;

const BATCH: usize = 100;
const IN_FLIGHT: usize = 4;

fn id(kind: u32, i: usize) -> String {
    format!("{i:08x}-0000-7000-8000-{kind:012x}")
}

/// Customers with one filter each, its litres meter, its device and its plan
/// by use of `units` litres between services.
fn company(devices: usize, units: f64) -> String {
    let at = "'2026-01-01 00:00:00'";
    let mut sql = String::from("BEGIN;\n");
    for n in 0..devices {
        sql += &format!(
            "INSERT INTO customers (id, kind, segment, name, tags, search_text, created_at, updated_at) \
             VALUES ('{c}', 'person', 'b2c', 'Customer {n}', '[]', '', {at}, {at});\n\
             INSERT INTO sites (id, customer_id, address_line1, city, search_text, created_at, updated_at) \
             VALUES ('{s}', '{c}', '{n} Main St', 'Kyiv', '', {at}, {at});\n\
             INSERT INTO equipment (id, customer_id, site_id, kind, status, search_text, created_at, updated_at) \
             VALUES ('{e}', '{c}', '{s}', 'filter', 'in_service', '', {at}, {at});\n\
             INSERT INTO meters (id, equipment_id, customer_id, kind, mode, unit, created_at, updated_at) \
             VALUES ('{m}', '{e}', '{c}', 'litres', 'cumulative', 'L', {at}, {at});\n\
             INSERT INTO devices (id, equipment_id, customer_id, name, created_at) \
             VALUES ('{d}', '{e}', '{c}', 'Flow meter', {at});\n\
             INSERT INTO maintenance_plans (id, equipment_id, customer_id, service_kind, scope_lines, \
             required_skills, lead_days, notify_customer, active, recurrence_kind, meter_id, every_units, \
             baseline_total, created_at, updated_at) \
             VALUES ('{p}', '{e}', '{c}', 'Cartridge change', '[]', '[]', 14, false, true, 'usage', '{m}', \
             {units}, 0, {at}, {at});\n",
            c = id(1, n),
            s = id(2, n),
            e = id(3, n),
            m = id(4, n),
            d = id(5, n),
            p = id(6, n),
        );
    }
    sql += "COMMIT;\n";
    sql
}

fn run(backend: &str, url: &str, data: &std::path::Path, total: usize) {
    let devices_n: usize = std::env::var("ORDERLY_BENCH_DEVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(total / BATCH / 10)
        .clamp(1, (total / BATCH).max(1));
    // Each plan's threshold at 60 % of what its device reads in the run, so
    // every plan is forecast, then crosses it partway (its reminder made at once).
    let units = 0.6 * 10.0 * (total / devices_n) as f64;
    let runtime = common::runtime(url, data, &company(devices_n, units));
    let keys = DeviceKeys::derive(common::SECRET.as_bytes());

    // Each device's readings a minute apart, growing, over the last days.
    let batches = total / BATCH;
    let start = Utc::now() - Duration::minutes((batches / devices_n * BATCH) as i64 + 10);
    let batch_of = |b: usize| {
        let device = b % devices_n;
        let round = b / devices_n;
        let readings = (0..BATCH)
            .map(|i| {
                let step = (round * BATCH + i) as i64;
                DeviceReading {
                    meter_id: MeterId::parse(&id(4, device)).unwrap(),
                    value: 10.0 * step as f64,
                    read_at: start + Duration::minutes(step),
                    kind: ReadingKind::Reading,
                }
            })
            .collect();
        (
            DeviceId::parse(&id(5, device)).unwrap(),
            format!("{b:064x}"),
            DeviceBatch { readings },
        )
    };

    // The webhook's own work on one batch, before the database: parse and verify.
    let (device, _, sample) = batch_of(0);
    let body = serde_json::to_vec(
        &serde_json::json!({"readings": sample.readings.iter().map(|r| serde_json::json!({
        "meter_id": r.meter_id, "value": r.value, "read_at": r.read_at})).collect::<Vec<_>>()}),
    )
    .unwrap();
    let key = keys.key_of(device.as_str());
    let ts = Utc::now().timestamp();
    let signature = sign(&key, ts, &body);
    let t = Instant::now();
    for _ in 0..100 {
        keys.verify(
            device.as_str(),
            Some(&ts.to_string()),
            Some(&signature),
            &body,
            Utc::now(),
        )
        .unwrap();
        let _: DeviceBatch = orderly::error::from_json_bytes(&body).unwrap();
    }
    let edge_us = t.elapsed().as_secs_f64() * 1e6 / 100.0;

    let rt = actix_web::rt::System::new();
    let actor = runtime.device_actor();
    let t = Instant::now();
    rt.block_on(async {
        let mut next = 0;
        while next < batches {
            let mut inflight = Vec::new();
            for b in next..(next + IN_FLIGHT).min(batches) {
                let (device, signature, batch) = batch_of(b);
                let actor = actor.clone();
                inflight.push(
                    runtime.db(move |c| devices::ingest(c, &actor, &device, &signature, &batch)),
                );
            }
            next += inflight.len();
            for taken in futures_util::future::join_all(inflight).await {
                assert_eq!(taken.expect("batch").accepted, BATCH);
            }
        }
    });
    let secs = t.elapsed().as_secs_f64();
    let made = rt
        .block_on(runtime.db(|c| {
            use diesel::prelude::*;
            use orderly::store::schema::reminders;
            Ok(match c {
                orderly::store::DbConnection::Sqlite(c) => {
                    reminders::table.count().get_result::<i64>(c)
                }
                orderly::store::DbConnection::Postgresql(c) => {
                    reminders::table.count().get_result::<i64>(c)
                }
            }?)
        }))
        .expect("count reminders");
    assert_eq!(
        made as usize, devices_n,
        "one reminder per plan crossed, none twice"
    );
    println!(
        "{backend}: {} readings from {devices_n} devices in batches of {BATCH}, {IN_FLIGHT} in flight: \
         {:.1} s, {:.0} readings/s ({:.1} ms a batch); signature check and JSON parse {:.0} µs a batch; \
         {made} plans by use forecast and crossed, each reminder made once (aim >= 20,000 readings/s)",
        batches * BATCH,
        secs,
        (batches * BATCH) as f64 / secs,
        secs * 1000.0 / batches as f64 * IN_FLIGHT as f64,
        edge_us,
    );
}

fn main() {
    let total: usize = std::env::var("ORDERLY_BENCH_READINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("readings.sqlite");
    run("SQLite", &path.to_string_lossy(), dir.path(), total);
    if let Some(db) = common::BenchDatabase::create() {
        let data = tempfile::tempdir().expect("temporary directory");
        run("PostgreSQL", &db.url, data.path(), total);
    }
}
