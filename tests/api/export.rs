//! The company's data out, one customer's data on request, and the erasure of
//! a customer's personal data with the financial record kept.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel::sql_types::Text;
use orderly::core::role::Role;
use orderly::store::export::{NOT_EXPORTED, TABLES};
use serde_json::{json, Value};

use crate::certificates::{done, png_signature, upload};
use crate::on_both_backends;
use crate::support::TestApp;
use crate::work_orders::{act, customer_with_site, order_in_scheduling};

on_both_backends!(
    every_table_goes_out_as_csv_and_json,
    a_customer_gets_their_data_and_the_owner_erases_it,
);

/// A name a careless CSV writer would break.
const AWKWARD: &str = "Коваленко, Олена \"Зірка\"\nФОП";

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The database's own tables.
fn tables_in(app: &TestApp) -> HashSet<String> {
    let sql = match app.state.database.backend {
        orderly::store::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        orderly::store::Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        }
    };
    diesel::sql_query(sql)
        .load::<Name>(&mut app.state.database.pool.get().unwrap())
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

async fn every_table_goes_out_as_csv_and_json(app: TestApp) {
    let customer = app.customer(AWKWARD).await;
    let (other, site, _, _) = customer_with_site(&app, "Петро").await;
    order_in_scheduling(&app, &other, &site).await;
    // More events than one page holds, so the export must page.
    let bulk = "INSERT INTO events (id, occurred_at, entity_type, entity_id, action, changes) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4500) \
         SELECT 'bulk-' || CAST(i AS TEXT), CURRENT_TIMESTAMP, 'test', 'x', 'bulk', '{}' FROM n";
    diesel::sql_query(bulk)
        .execute(&mut app.state.database.pool.get().unwrap())
        .unwrap();

    // Every table is exported or left out for a stated reason.
    let mut named: HashSet<String> = TABLES.iter().map(|t| t.name.to_owned()).collect();
    named.extend(NOT_EXPORTED.iter().map(|(t, _)| t.to_string()));
    assert_eq!(tables_in(&app), named);

    let manifest = app.as_owner().get("/api/v1/export").await;
    assert_eq!(manifest.status, 200, "{manifest:?}");
    let rows = |name: &str| {
        manifest["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()["rows"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(rows("customers"), 2);
    let events = rows("events");
    assert!(events > 4500);

    // JSON: every row once, values as stored.
    let json_events = app
        .as_owner()
        .raw("GET", "/api/v1/export/events?format=json", None, &[])
        .await;
    assert_eq!(json_events.status, 200);
    let list: Vec<Value> = serde_json::from_str(&json_events.text).unwrap();
    let ids: HashSet<&str> = list.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!((list.len() as i64, ids.len() as i64), (events, events));
    let json_customers = app
        .as_owner()
        .raw("GET", "/api/v1/export/customers?format=json", None, &[])
        .await;
    let list: Vec<Value> = serde_json::from_str(&json_customers.text).unwrap();
    let mine = list.iter().find(|c| c["id"] == customer.as_str()).unwrap();
    assert_eq!(mine["name"], AWKWARD);
    assert!(mine.get("search_text").is_none(), "derived text stays in");

    // CSV: a spreadsheet reads the same values back, phone numbers untouched.
    let csv = app
        .as_owner()
        .raw("GET", "/api/v1/export/customers", None, &[])
        .await;
    assert_eq!(
        (csv.status, csv.content_type.as_deref()),
        (200, Some("text/csv; charset=utf-8"))
    );
    let (header, lines) = csv_rows(&csv.text);
    let name = header.iter().position(|h| h == "name").unwrap();
    assert!(lines.iter().any(|l| l[name] == AWKWARD));
    let contacts = app
        .as_owner()
        .raw("GET", "/api/v1/export/contacts", None, &[])
        .await;
    assert!(contacts.text.contains("+380671234567"), "{}", contacts.text);

    // No secrets leave.
    let users = app
        .as_owner()
        .raw("GET", "/api/v1/export/users?format=json", None, &[])
        .await;
    assert_eq!(users.status, 200);
    assert!(!users.text.contains("password_hash") && !users.text.contains("$argon2"));
    for (path, status) in [
        ("/api/v1/export/refresh_tokens", 404),
        ("/api/v1/export/company_settings", 404),
        ("/api/v1/export/customers?format=xml", 422),
    ] {
        let r = app.as_owner().raw("GET", path, None, &[]).await;
        assert_eq!(r.status, status, "{path}: {}", r.text);
    }
    for role in [Role::Manager, Role::Administrator, Role::Engineer] {
        let r = app.as_role(role).get("/api/v1/export").await;
        assert_eq!(r.status, 403, "{role:?}");
    }

    // The command writes both formats of every table and a manifest.
    let dir = tempfile::tempdir().unwrap();
    let out = app.command("export").arg(dir.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["tables"].as_array().unwrap().len(), TABLES.len());
    let written: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("events.json")).unwrap())
            .unwrap();
    assert_eq!(written.len() as i64, events);
    let (_, lines) = csv_rows(&std::fs::read_to_string(dir.path().join("customers.csv")).unwrap());
    assert!(lines.iter().any(|l| l[name] == AWKWARD));
}

async fn a_customer_gets_their_data_and_the_owner_erases_it(app: TestApp) {
    let (customer, site, contact, _) = customer_with_site(&app, "Олена Коваленко").await;
    app.as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"email": "olena@example.com"}),
        )
        .await;
    let (order, v) = done(&app, &customer, &site, &contact, 5).await;
    let detail = app
        .as_administrator()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let visit = detail["visits"][0]["id"].as_str().unwrap().to_owned();
    let signature = upload(&app, &visit, "signature", png_signature(), None).await;
    assert_eq!(signature.status, 201, "{signature:?}");
    let r = act(
        &app,
        Role::Administrator,
        &order,
        "certify",
        json!({"version": v, "summary": "Замінено картридж."}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let someone_else = app.customer("Петро Іваненко").await;

    // The right of access: everything kept about them, and nothing of anyone else's.
    let data = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/data"))
        .await;
    assert_eq!(data.status, 200, "{data:?}");
    assert_eq!(data["customer"]["name"], "Олена Коваленко");
    assert!(data["contacts"][0]["phones"]
        .as_str()
        .unwrap()
        .contains("+380671234567"));
    assert_eq!(data["contacts"][0]["email"], "olena@example.com");
    assert_eq!(data["sites"][0]["access_notes"], "Gate code 1942");
    for (table, n) in [
        ("work_orders", 1),
        ("visits", 1),
        ("visit_files", 1),
        ("certificates", 1),
    ] {
        assert_eq!(data[table].as_array().unwrap().len(), n, "{table}");
    }
    assert!(!data["notifications"].as_array().unwrap().is_empty());
    assert!(!data.body.to_string().contains(&someone_else));
    let signature_key = data["visit_files"][0]["file_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf_key = data["certificates"][0]["file_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(app.state.files.get(&pdf_key).unwrap().is_some());
    for (role, status) in [(Role::Engineer, 403), (Role::Administrator, 403)] {
        let r = app
            .as_role(role)
            .get(&format!("/api/v1/customers/{customer}/data"))
            .await;
        assert_eq!(r.status, status, "{role:?}");
    }
    let unknown = app
        .as_manager()
        .get("/api/v1/customers/01a00000-0000-7000-8000-000000000000/data")
        .await;
    assert_eq!(unknown.status, 404);

    // Erasure: the owner's alone, with a reason, never while work is open.
    let erase = |reason: &str| {
        let body = json!({ "reason": reason });
        let path = format!("/api/v1/customers/{customer}/erase");
        let app = &app;
        async move { app.as_owner().post(&path, body).await }
    };
    let by_manager = app
        .as_manager()
        .post(
            &format!("/api/v1/customers/{customer}/erase"),
            json!({"reason": "asked"}),
        )
        .await;
    assert_eq!(by_manager.status, 403);
    let no_reason = erase("  ").await;
    assert_eq!((no_reason.status, no_reason.field()), (422, Some("reason")));
    let (open, version) = order_in_scheduling(&app, &customer, &site).await;
    let refused = erase("asked by e-mail on 1 December").await;
    assert_eq!(
        (refused.status, refused.code()),
        (409, Some("open_work_orders"))
    );
    let unchanged = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}"))
        .await;
    assert_eq!(unchanged["name"], "Олена Коваленко");
    let r = act(
        &app,
        Role::Manager,
        &open,
        "cancel",
        json!({"version": version, "reason": "customer leaves"}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");

    let erased = erase("asked by e-mail on 1 December").await;
    assert_eq!(erased.status, 200, "{erased:?}");
    assert_eq!(
        (
            erased["contacts"].as_i64(),
            erased["photos_and_signatures"].as_i64(),
            erased["certificates"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );

    // Nothing personal is left ...
    let after = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/data"))
        .await;
    let text = after.body.to_string();
    for personal in [
        "Олена",
        "Коваленко",
        "+380671234567",
        "olena@example.com",
        "Gate code",
        "Петро", // the on-site contact's name
        "Тиск 3,1 бар",
    ] {
        assert!(!text.contains(personal), "{personal} is still kept: {text}");
    }
    assert_eq!(after["customer"]["name"], "Erased customer");
    assert!(after["visit_files"].as_array().unwrap().is_empty());
    assert!(app.state.files.get(&signature_key).unwrap().is_none());
    assert!(app.state.files.get(&pdf_key).unwrap().is_none());
    let found = app.as_manager().get("/api/v1/customers?q=067").await;
    assert!(found["items"].as_array().unwrap().is_empty(), "{found:?}");
    let pdf = app
        .as_manager()
        .raw(
            "GET",
            &format!("/api/v1/work-orders/{order}/certificate"),
            None,
            &[],
        )
        .await;
    assert_eq!(pdf.status, 410);

    // ... and the financial record stays: the order, its lines and total, the
    // certificate's number, and the timeline's note of who erased and why.
    let kept = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(kept["work_order"]["status"], "certified");
    assert_eq!(kept["work_order"]["total"], 120000);
    assert_eq!(
        after["certificates"][0]["number"],
        data["certificates"][0]["number"]
    );
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    let last = &timeline["items"][0];
    assert_eq!(
        (&last["action"], &last["changes"]["reason"]),
        (&json!("erased"), &json!("asked by e-mail on 1 December"))
    );
}
