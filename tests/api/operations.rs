//! Running the server: probes, metrics and request ids, security headers, the
//! owner's audit trail, logs that keep secrets out, and SQLite backups taken
//! under write load that restore to a consistent database.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use orderly::core::role::Role;
use orderly::store::{self, Backend};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{TestApp, PASSWORD};

on_both_backends!(
    probes_metrics_and_request_ids,
    not_ready_while_a_migration_has_not_run,
    every_answer_carries_the_security_headers,
    the_owner_reads_who_changed_what_when_and_from_where,
);

async fn probes_metrics_and_request_ids(app: TestApp) {
    let anyone = app.anonymous();
    let live = anyone.raw("GET", "/live", None, &[]).await;
    let ready = anyone.raw("GET", "/ready", None, &[]).await;
    assert_eq!((live.status, ready.status), (200, 200), "{}", ready.text);

    // The caller's id comes back; without one, the server makes one.
    let given = app
        .as_manager()
        .raw(
            "GET",
            "/api/v1/customers",
            None,
            &[("X-Request-Id", "trace-42.a_b")],
        )
        .await;
    assert_eq!(given.headers["x-request-id"], "trace-42.a_b");
    let made = app
        .as_manager()
        .raw("GET", "/api/v1/customers", None, &[])
        .await;
    assert_eq!(made.headers["x-request-id"].len(), 32);
    // One that could smuggle text into logs is replaced.
    let odd = app
        .as_manager()
        .raw(
            "GET",
            "/api/v1/customers",
            None,
            &[("X-Request-Id", "a b\"c")],
        )
        .await;
    assert_eq!(odd.headers["x-request-id"].len(), 32);

    let id = app.customer("Metered").await;
    app.as_manager()
        .get(&format!("/api/v1/customers/{id}"))
        .await;
    let metrics = anyone.raw("GET", "/metrics", None, &[]).await;
    assert_eq!(metrics.status, 200);
    assert!(metrics
        .content_type
        .as_deref()
        .unwrap_or("")
        .starts_with("application/openmetrics-text"));
    let text = metrics.text;
    assert!(
        text.contains(
            r#"orderly_http_requests_total{method="GET",route="/api/v1/customers",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(text.contains(
        r#"orderly_http_requests_total{method="POST",route="/api/v1/customers",status="201"} 1"#
    ));
    // Patterns, never ids.
    assert!(text.contains(r#"route="/api/v1/customers/{id}""#));
    assert!(!text.contains(&id));
    assert!(text.contains(r#"orderly_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/customers"} 3"#)
        || text.contains(r#"orderly_http_request_duration_seconds_bucket{method="GET",route="/api/v1/customers",le="+Inf"} 3"#), "{text}");
    assert!(text.contains(r#"orderly_outbox_messages{status="queued"} 0"#));
    assert!(text.contains(r#"orderly_db_pool_connections{state="max"} 4"#));
}

async fn every_answer_carries_the_security_headers(app: TestApp) {
    for (who, path) in [
        (app.as_manager(), "/api/v1/customers"),
        (app.anonymous(), "/api/v1/nothing-here"),
        (app.anonymous(), "/office/login"),
        (app.anonymous(), "/live"),
    ] {
        let r = who.raw("GET", path, None, &[]).await;
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(r.headers["referrer-policy"], "same-origin", "{path}");
        assert!(
            r.headers["content-security-policy"].contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(
            !r.headers.contains_key("strict-transport-security"),
            "{path}: plain HTTP"
        );
    }
    // A body over the limit is refused before it is read into a record.
    let big = json!({"kind": "person", "segment": "b2c", "name": "x".repeat(300 * 1024)});
    let r = app.as_manager().post("/api/v1/customers", big).await;
    assert!(r.status == 413 || r.status == 400, "{r:?}");
    let list = app.as_manager().get("/api/v1/customers").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}

async fn the_owner_reads_who_changed_what_when_and_from_where(app: TestApp) {
    let (manager_id, manager_email) = app.users[&Role::Manager].clone();
    let id = app.customer("Audited").await;
    let patched = app
        .as_manager()
        .send_with_headers(
            "PATCH",
            &format!("/api/v1/customers/{id}"),
            Some(json!({"name": "Audited Ltd"}).to_string()),
            &[
                ("User-Agent", "field-test/1.0"),
                ("X-Forwarded-For", "203.0.113.7"),
            ],
        )
        .await;
    assert_eq!(patched.status, 200, "{patched:?}");
    assert_eq!(
        app.login(&manager_email, "wrong-password-1").await.status,
        401
    );
    assert_eq!(app.login(&manager_email, PASSWORD).await.status, 200);
    // A customer's link: its token is a secret and stays out of the trail.
    let link = app
        .anonymous()
        .raw("POST", "/v/not-a-real-token-5e3a/confirm", None, &[])
        .await;
    assert!(link.status >= 400);

    assert_eq!(app.as_manager().get("/api/v1/audit").await.status, 403);
    let trail = app.as_owner().get("/api/v1/audit").await;
    assert_eq!(trail.status, 200, "{trail:?}");
    let items = trail["items"].as_array().unwrap();
    let entry = |method: &str, route: &str, status: u16| {
        items
            .iter()
            .find(|e| e["method"] == method && e["route"] == route && e["status"] == status)
            .unwrap_or_else(|| panic!("no {method} {route} {status} in {items:#?}"))
    };
    let created = entry("POST", "/api/v1/customers", 201);
    assert_eq!(created["user_id"], manager_id.as_str());
    assert_eq!(created["user_name"], "manager");
    assert_eq!(created["address"], "127.0.0.1");
    let changed = entry("PATCH", "/api/v1/customers/{id}", 200);
    assert_eq!(changed["path"], format!("/api/v1/customers/{id}"));
    assert_eq!(changed["forwarded_for"], "203.0.113.7");
    assert_eq!(changed["user_agent"], "field-test/1.0");
    assert_eq!(changed["request_id"].as_str().unwrap().len(), 32);
    assert!(entry("POST", "/api/v1/auth/login", 401)["user_id"].is_null());
    assert_eq!(
        entry("POST", "/api/v1/auth/login", 200)["user_id"],
        manager_id.as_str()
    );
    let confirm = entry("POST", "/v/{token}/confirm", link.status);
    assert_eq!(confirm["path"], "/v/{token}/confirm");
    assert!(!trail.body.to_string().contains("not-a-real-token"));
    // Reads are not changes.
    assert!(items.iter().all(|e| e["method"] != "GET"));
    // Newest first; one person's requests alone.
    assert_eq!(items[0]["route"], "/v/{token}/confirm");
    let mine = app
        .as_owner()
        .get(&format!("/api/v1/audit?user_id={manager_id}"))
        .await;
    let mine = mine["items"].as_array().unwrap();
    assert_eq!(mine.len(), 3, "{mine:#?}");
    assert!(mine.iter().all(|e| e["user_id"] == manager_id.as_str()));

    let page = app.as_owner().raw("GET", "/office/audit", None, &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Audit trail") && page.text.contains("/api/v1/customers/"));
}

/// Everything the process logs, for the test that looks for secrets in it.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter("orderly=info")
            .with_writer(move || Writer(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one log subscriber");
        buffer
    })
    .clone()
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn logs_carry_the_request_id_and_never_a_secret() {
    let logs = captured_logs();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let password = "a-very-secret-password-9";
    app.login("manager@test.orderly", password).await;
    let token = "secret-link-token-77c1";
    app.anonymous()
        .raw(
            "GET",
            &format!("/v/{token}?code=secret-query-3"),
            None,
            &[("X-Request-Id", "find-me-1")],
        )
        .await;
    let access = app.token(Role::Manager);
    app.as_manager().get("/api/v1/customers").await;
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("find-me-1"))
        .unwrap_or_else(|| panic!("no line with the request id in {text}"));
    let line: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(line["fields"]["route"], "/v/{token}");
    assert_eq!(line["span"]["request_id"], "find-me-1");
    for secret in [password, token, "secret-query-3", access.as_str()] {
        assert!(!text.contains(secret), "`{secret}` was logged");
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

fn count(conn: &mut store::DbConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

/// Customers, and the timeline's "created" events written in the same transactions.
pub(crate) fn customers_and_events(conn: &mut store::DbConnection) -> (i64, i64) {
    (
        count(conn, "SELECT COUNT(*) AS n FROM customers"),
        count(
            conn,
            "SELECT COUNT(*) AS n FROM events WHERE entity_type = 'customer' AND action = 'created'",
        ),
    )
}

/// Customers each of the four writers adds while the backup is taken.
const WRITES: i64 = 100;

#[actix_web::test]
async fn a_backup_taken_under_write_load_restores_to_a_consistent_database() {
    let app = std::rc::Rc::new(TestApp::spawn(Backend::Sqlite).await);
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let app = app.clone();
            actix_web::rt::spawn(async move {
                for i in 0..WRITES {
                    app.customer(&format!("Writer {w} customer {i}")).await;
                }
            })
        })
        .collect();
    while customers_and_events(&mut app.state.database.pool.get().unwrap()).0 < 40 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orderly-backup.db");
    let pool = app.state.database.pool.clone();
    let to = file.clone();
    let bytes = actix_web::web::block(move || store::backup::backup(&mut pool.get().unwrap(), &to))
        .await
        .unwrap()
        .unwrap();
    assert!(bytes > 0);
    for w in writers {
        w.await.unwrap();
    }
    let mut live = app.state.database.pool.get().unwrap();
    assert_eq!(customers_and_events(&mut live), (4 * WRITES, 4 * WRITES));
    // A second backup to the same file is refused, not overwritten.
    assert!(store::backup::backup(&mut live, &file).is_err());

    // Restored into an empty database: whole, consistent, mid-load.
    let fresh = dir.path().join("restored.db");
    let (pool, _) = store::connect(fresh.to_str().unwrap(), 1).unwrap();
    let mut restored = pool.get().unwrap();
    store::migrate(&mut restored).unwrap();
    store::backup::restore(&mut restored, &file).unwrap();
    let check: Vec<Line> =
        diesel::sql_query("SELECT integrity_check AS line FROM pragma_integrity_check")
            .load(&mut restored)
            .unwrap();
    assert_eq!(check.len(), 1);
    assert_eq!(check[0].line, "ok");
    assert_eq!(
        count(
            &mut restored,
            "SELECT COUNT(*) AS n FROM pragma_foreign_key_check"
        ),
        0
    );
    let (customers, events) = customers_and_events(&mut restored);
    assert_eq!(
        customers, events,
        "every customer with the event of its own transaction"
    );
    assert!(
        customers > 0 && customers < 4 * WRITES,
        "taken mid-load: {customers}"
    );
    assert_eq!(count(&mut restored, "SELECT COUNT(*) AS n FROM users"), 4);

    // Restored over the live database, which the server keeps serving.
    store::backup::restore(&mut live, &file).unwrap();
    assert_eq!(customers_and_events(&mut live), (customers, customers));
    let list = app.as_manager().get("/api/v1/customers?limit=200").await;
    assert_eq!(list["items"].as_array().unwrap().len() as i64, customers);

    // Not a backup: refused, and the live rows stay.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database at all, not even close").unwrap();
    let refused = store::backup::restore(&mut live, &junk).unwrap_err();
    assert!(
        refused.to_string().contains("not a usable Orderly backup"),
        "{refused}"
    );
    assert_eq!(customers_and_events(&mut live), (customers, customers));
}

/// `/ready` compares the binary's migrations with those the database has run
/// (read, not written: it must not wait behind a long import's transaction).
async fn not_ready_while_a_migration_has_not_run(app: TestApp) {
    use diesel::connection::SimpleConnection;
    app.state
        .database
        .pool
        .get()
        .unwrap()
        .batch_execute(
            "DELETE FROM __diesel_schema_migrations WHERE version = \
             (SELECT MAX(version) FROM __diesel_schema_migrations)",
        )
        .unwrap();
    let ready = app.anonymous().raw("GET", "/ready", None, &[]).await;
    assert_eq!(ready.status, 503, "{}", ready.text);
    assert!(
        ready.text.contains("1 migrations not run"),
        "{}",
        ready.text
    );
}
