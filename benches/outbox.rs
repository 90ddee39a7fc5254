//! Outbox delivery: throughput to a local SMS endpoint (the JSON webhook over
//! HTTP) and to a local SMTP server, and the delay from a message's commit to
//! its arrival at the peer while the worker runs as `serve` runs it (woken on
//! commit). On SQLite, and on PostgreSQL when `ORDERLY_BENCH_POSTGRES_URL` is set.
//!
//! `cargo bench --bench outbox [-- MESSAGES]` (default 5000; a fifth as many e-mails).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

#[path = "../tests/api/sinks.rs"]
#[allow(dead_code)]
mod sinks;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use orderly::config::Config;
use orderly::core::ids;
use orderly::notify::worker::Worker;
use orderly::runtime::Runtime;
use orderly::store::notifications::{self, NotificationRow};
use orderly::store::{self, now, transaction};
use sinks::{SmsSink, SmtpSink};

/// Messages sent one at a time, 10 ms apart, for the commit-to-delivery delay.
const LATENCY_SAMPLES: usize = 500;

fn main() {
    let messages: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5000);
    actix_web::rt::System::new().block_on(async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite = dir.path().join("bench.db").to_string_lossy().into_owned();
        run("SQLite", &sqlite, dir.path(), messages).await;
        if let Some(db) = common::BenchDatabase::create() {
            run("PostgreSQL", &db.url, dir.path(), messages).await;
        }
    });
}

fn message(channel: &str, to: &str) -> NotificationRow {
    let at = now();
    let id = ids::new_id();
    NotificationRow {
        dedupe_key: format!("bench:{id}"),
        id,
        customer_id: None,
        contact_id: None,
        work_order_id: None,
        visit_id: None,
        event: "visit_scheduled".into(),
        channel: channel.into(),
        kind: "service".into(),
        locale: "en".into(),
        recipient: to.into(),
        subject: (channel == "email").then(|| "Your visit on Tue 15 Dec".into()),
        body: "Aqua Service: your visit is booked for Tue 15 Dec, 10:00-12:00. Engineer: Taras. \
               Confirm or change: http://orderly.test/v/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            .into(),
        urgent: false,
        status: "queued".into(),
        attempts: 0,
        next_attempt_at: Some(at),
        claimed_by: None,
        provider_id: None,
        last_error: None,
        created_at: at,
        updated_at: at,
        sent_at: None,
        attachments: "[]".into(),
        campaign_id: None,
    }
}

async fn run(backend: &str, url: &str, data: &std::path::Path, messages: usize) {
    let sms = SmsSink::start().await;
    let smtp = SmtpSink::start().await;
    let vars: HashMap<String, String> = [
        ("DATABASE_URL", url.to_owned()),
        ("ORDERLY_DATA_DIR", data.to_string_lossy().into_owned()),
        (
            "ORDERLY_JWT_SECRET",
            "bench-secret-bench-secret-bench-secret".into(),
        ),
        ("ORDERLY_SMS_PROVIDER", "webhook".into()),
        ("ORDERLY_SMS_WEBHOOK_URL", format!("{}/sms", sms.url)),
        ("ORDERLY_EMAIL_TRANSPORT", "smtp".into()),
        ("ORDERLY_SMTP_HOST", "127.0.0.1".into()),
        ("ORDERLY_SMTP_PORT", smtp.port.to_string()),
        ("ORDERLY_SMTP_SECURITY", "plain".into()),
        ("ORDERLY_QUIET_HOURS", "off".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    // The worker's pace may be tried out from the environment.
    .chain(std::env::vars().filter(|(k, _)| k.starts_with("ORDERLY_OUTBOX_")))
    .collect();
    let config = Config::from_vars(vars).expect("config");
    let (pool, kind) = store::connect(&config.database_url, config.pool_size).expect("pool");
    store::migrate(&mut pool.get().expect("connection")).expect("migrate");
    let files = orderly::files::open(&config.files).expect("files");
    let state = Runtime::new(pool, kind, config, files);
    let settings = &state.config().delivery;
    println!(
        "{backend}: batch {}, {} sends at once",
        settings.batch, settings.concurrency
    );

    for (channel, to, count) in [
        ("sms", "+380671234567", messages),
        ("email", "olena@example.com", messages / 5),
    ] {
        let rows: Vec<NotificationRow> = (0..count).map(|_| message(channel, to)).collect();
        state
            .db_sending(move |conn, outbox| {
                transaction(conn, |conn| {
                    for r in &rows {
                        notifications::enqueue(conn, outbox, r)?;
                    }
                    Ok(())
                })
            })
            .await
            .expect("enqueue");
        let worker = Worker::new(&state).expect("worker");
        let t = Instant::now();
        let mut sent = 0;
        loop {
            let n = worker.run_once().await.expect("deliver");
            if n == 0 {
                break;
            }
            sent += n;
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "| {backend} | {channel} | {sent} messages in {secs:.2} s | {:.0} messages/s |",
            sent as f64 / secs
        );
    }
    assert_eq!(sms.accepted().len(), messages);
    assert_eq!(smtp.count(), messages / 5);

    // Commit → delivery, with the worker running and woken on commit as in `serve`.
    let worker = Worker::new(&state).expect("worker");
    let runner = actix_web::rt::spawn(worker.run(state.database.doorbell()));
    let before = sms.requests().len();
    let mut committed: HashMap<String, Instant> = HashMap::new();
    for _ in 0..LATENCY_SAMPLES {
        let row = message("sms", "+380671234567");
        let id = row.id.clone();
        let at = state
            .db_sending(move |conn, outbox| {
                transaction(conn, |conn| notifications::enqueue(conn, outbox, &row))?;
                Ok(Instant::now())
            })
            .await
            .expect("enqueue");
        committed.insert(id, at);
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while sms.requests().len() < before + LATENCY_SAMPLES && Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    runner.abort();
    // Let the worker drop inside the runtime (its SMTP pool closes connections on drop).
    let _ = runner.await;
    let mut delays: Vec<f64> = sms
        .requests()
        .iter()
        .filter_map(|r| {
            let key = r.idempotency_key.as_ref()?;
            let at = committed.get(key)?;
            Some(r.at.saturating_duration_since(*at).as_secs_f64() * 1000.0)
        })
        .collect();
    assert_eq!(delays.len(), LATENCY_SAMPLES, "every message delivered");
    delays.sort_by(f64::total_cmp);
    let pct = |p: f64| delays[((delays.len() as f64 * p) as usize).min(delays.len() - 1)];
    println!(
        "| {backend} | commit → delivery (SMS, {LATENCY_SAMPLES} messages 10 ms apart) | p50 {:.1} ms | p99 {:.1} ms |",
        pct(0.50),
        pct(0.99)
    );
}
