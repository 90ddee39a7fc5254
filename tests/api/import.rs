//! Moving in: another system's files through the owner API and `orderly import`,
//! every bad row reported, each file all or nothing, a second import an update.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use orderly::core::role::Role;
use orderly::store::Backend;
use serde_json::{json, Value};

use crate::certificates::{certificate_pdf, png_signature};
use crate::on_both_backends;
use crate::support::{Resp, TestApp};
use crate::work_orders::customer_with_site;

on_both_backends!(
    backend: a_company_moves_in_and_a_second_import_updates,
    bad_rows_are_reported_and_nothing_is_written,
    a_spreadsheet_reads_like_csv,
    the_command_imports_a_folder_with_photos_and_certificates,
    an_export_imports_into_another_orderly_unchanged,
    hostile_files_are_refused_and_the_server_lives_on,
    a_catalogue_imports_and_exports,
);

/// `{"external_id":"Code","name":"Client"}`, URL-encoded.
const CLIENT_MAP: &str = "%7B%22external_id%22%3A%22Code%22%2C%22name%22%3A%22Client%22%7D";

const CUSTOMERS: &str = "Code,Client,kind,segment,tags,phone\n\
C1,Aqua Cafe,organisation,b2b,horeca;vip,\n\
C2,\"Коваленко, Олена\",person,b2c,,\n";

const SITES: &str = "id,customer_id,address_line1,city,latitude,longitude\n\
S1,C1,Khreshchatyk 1,Kyiv,\"50,45\",30.52\n\
S2,C2,Sichovykh Striltsiv 5,Lviv,,\n";

const CONTACTS: &str = "id,customer_id,site_id,name,phones,email,consent_marketing\n\
P1,C2,S2,Олена,+380671234567,olena@example.com,yes\n";

const EQUIPMENT: &str = "id,site_id,kind,model,installed_on\n\
E1,S1,reverse osmosis filter,RO-5,2023-05-17\n\
E2,S2,gas boiler,,05.03.2020\n";

const PLANS: &str = "id,equipment_id,service_kind,recurrence,every,unit,last_completed_on\n\
PL1,E1,cartridge change,after_completion,6,months,2026-09-01\n";

const WORK_ORDERS: &str =
    "id,site_id,equipment_ids,kind,status,description,total,created_at,completed_at\n\
W1,S1,E1,service,closed,Cartridge change,\"1 250,50\",2026-09-01 08:00,2026-09-01 11:30\n\
W2,S2,E2,repair,cancelled,,0,2026-10-01 08:00,\n";

const VISITS: &str = "id,work_order_id,engineer,planned_start,planned_end,arrived_at,finished_at,customer_rating\n\
V1,W1,Engineer@Test.Orderly,2026-09-01 09:00,2026-09-01 11:00,2026-09-01 09:10,2026-09-01 11:20,5\n";

const CERTIFICATES: &str = "id,work_order_id,number,issued_at\n\
K1,W1,OLD-2026-0007,2026-09-01 12:00\n";

/// A CSV file through the owner's import API, from the source `crm`.
async fn import(app: &TestApp, entity: &str, query: &str, body: &[u8]) -> Resp {
    upload(app, entity, query, body, "text/csv").await
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn upload(app: &TestApp, entity: &str, query: &str, body: &[u8], content_type: &str) -> Resp {
    let raw = app
        .as_owner()
        .raw(
            "POST",
            &format!("/api/v1/import/{entity}?source=crm{query}"),
            Some(body.to_vec()),
            &[("Content-Type", content_type)],
        )
        .await;
    Resp {
        status: raw.status,
        body: serde_json::from_str(&raw.text).unwrap_or(Value::Null),
    }
}

/// Rows of a table through the export, as JSON.
async fn rows(app: &TestApp, table: &str) -> Vec<Value> {
    let raw = app
        .as_owner()
        .raw(
            "GET",
            &format!("/api/v1/export/{table}?format=json"),
            None,
            &[],
        )
        .await;
    assert_eq!(raw.status, 200, "{}", raw.text);
    serde_json::from_str(&raw.text).unwrap()
}

/// Our id of an imported row.
async fn our_id(app: &TestApp, entity: &str, external: &str) -> String {
    rows(app, "import_keys")
        .await
        .into_iter()
        .find(|k| k["entity"] == entity && k["external_id"] == external)
        .unwrap_or_else(|| panic!("{entity} {external} was not imported"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn errors(r: &Resp) -> Vec<(u64, String)> {
    r["files"][0]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{r:?}"))
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn count(r: &Resp, what: &str) -> u64 {
    r["files"][0][what].as_u64().unwrap()
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    revenue: i64,
}

async fn a_company_moves_in_and_a_second_import_updates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let r = import(
        &app,
        "customers",
        &format!("&map={CLIENT_MAP}"),
        CUSTOMERS.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((count(&r, "created"), count(&r, "updated")), (2, 0));
    assert_eq!(
        r["files"][0]["ignored_columns"],
        serde_json::json!(["phone"])
    );
    assert_eq!(r["files"][0]["written"], true);
    for (entity, body, created) in [
        ("sites", SITES, 2),
        ("contacts", CONTACTS, 1),
        ("equipment", EQUIPMENT, 2),
        ("plans", PLANS, 1),
        ("work_orders", WORK_ORDERS, 2),
        ("visits", VISITS, 1),
        ("certificates", CERTIFICATES, 1),
    ] {
        let r = import(&app, entity, "", body.as_bytes()).await;
        assert_eq!(r.status, 200, "{entity}: {r:?}");
        assert_eq!(count(&r, "created"), created, "{entity}");
    }

    // The records are whole, and found as typed-in ones are: by a contact's phone.
    let olena = our_id(&app, "customers", "C2").await;
    let found = app.as_manager().get("/api/v1/customers?q=0671234567").await;
    assert_eq!(found["items"][0]["id"], olena.as_str(), "{found:?}");
    assert_eq!(found["items"][0]["name"], "Коваленко, Олена");
    let cafe = app
        .as_manager()
        .get(&format!(
            "/api/v1/customers/{}",
            our_id(&app, "customers", "C1").await
        ))
        .await;
    assert_eq!(cafe["tags"], serde_json::json!(["horeca", "vip"]));
    let site = app
        .as_manager()
        .get(&format!(
            "/api/v1/sites/{}",
            our_id(&app, "sites", "S1").await
        ))
        .await;
    assert_eq!(
        (site["latitude"].as_f64(), site["city"].as_str()),
        (Some(50.45), Some("Kyiv"))
    );
    let boiler = app
        .as_manager()
        .get(&format!(
            "/api/v1/equipment/{}",
            our_id(&app, "equipment", "E2").await
        ))
        .await;
    assert_eq!(boiler["installed_on"], "2020-03-05");
    // The plan counts on from the last service of the other system.
    let plans = rows(&app, "maintenance_plans").await;
    assert_eq!(plans[0]["next_due_on"], "2027-03-01", "{plans:?}");
    // Past work: closed with its total, its visit and certificate; the analytics count it.
    let order = app
        .as_manager()
        .get(&format!(
            "/api/v1/work-orders/{}",
            our_id(&app, "work_orders", "W1").await
        ))
        .await;
    assert_eq!(
        (
            order["work_order"]["status"].as_str(),
            order["work_order"]["total"].as_i64()
        ),
        (Some("closed"), Some(125050)),
        "{order:?}"
    );
    assert_eq!(order["visits"][0]["customer_rating"], 5);
    assert_eq!(
        order["visits"][0]["engineer_id"],
        app.users[&Role::Engineer].0.as_str()
    );
    let certificates = rows(&app, "certificates").await;
    assert_eq!(certificates[0]["number"], "OLD-2026-0007");
    // What only the database can refuse (a number already taken) fails its file
    // at its line, like any bad row.
    let taken = "id,work_order_id,number,issued_at\nK9,W1,OLD-2026-0007,2026-09-02 12:00\n";
    for dry_run in ["&dry_run=true", ""] {
        let r = import(&app, "certificates", dry_run, taken.as_bytes()).await;
        assert_eq!(
            (r.status, errors(&r)),
            (422, vec![(2, String::new())]),
            "{r:?}"
        );
        let message = r["files"][0]["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("already exists"), "{message}");
    }
    assert_eq!(rows(&app, "certificates").await.len(), 1);
    let pdf = certificate_pdf(&app, &our_id(&app, "work_orders", "W1").await).await;
    assert_eq!(pdf.status, 404, "imported without its PDF: {}", pdf.text);
    let revenue = || {
        diesel::sql_query("SELECT CAST(SUM(revenue) AS BIGINT) AS revenue FROM customer_totals")
            .get_result::<Total>(&mut app.state.database.pool.get().unwrap())
            .unwrap()
            .revenue
    };
    assert_eq!(revenue(), 125050);
    // The customer's timeline says where the record came from.
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{olena}/timeline"))
        .await;
    assert!(
        timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "imported" && e["changes"]["source"] == "crm"),
        "{timeline:?}"
    );

    // A second import updates by external id instead of adding.
    let again = format!("{CUSTOMERS}C3,Petro,person,b2c,,\n")
        .replace("Коваленко, Олена", "Олена Коваленко-Бойко");
    let r = import(
        &app,
        "customers",
        &format!("&map={CLIENT_MAP}"),
        again.as_bytes(),
    )
    .await;
    assert_eq!(
        (count(&r, "created"), count(&r, "updated")),
        (1, 2),
        "{r:?}"
    );
    assert_eq!(rows(&app, "customers").await.len(), 3);
    let olena_now = app
        .as_manager()
        .get(&format!("/api/v1/customers/{olena}"))
        .await;
    assert_eq!(olena_now["name"], "Олена Коваленко-Бойко");
    // Still found by the contact's phone: the search words were recomputed.
    let found = app.as_manager().get("/api/v1/customers?q=0671234567").await;
    assert_eq!(found["items"][0]["id"], olena.as_str());
    let r = import(&app, "work_orders", "", WORK_ORDERS.as_bytes()).await;
    assert_eq!(
        (count(&r, "created"), count(&r, "updated")),
        (0, 2),
        "{r:?}"
    );
    assert_eq!(rows(&app, "work_orders").await.len(), 2);
    assert_eq!(
        revenue(),
        125050,
        "the totals are recounted, not added twice"
    );
    let r = import(&app, "visits", "", VISITS.as_bytes()).await;
    assert_eq!(count(&r, "updated"), 1, "{r:?}");
    assert_eq!(rows(&app, "visits").await.len(), 1);
}

async fn bad_rows_are_reported_and_nothing_is_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bad = "external_id,name,kind,tax_id\n\
A1,Good One,person,\n\
A2,,person,\n\
A3,Bad Kind,alien,\n\
A1,Duplicate,person,\n\
A5,Tax,person,12$\n";
    for dry_run in ["&dry_run=true", ""] {
        let r = import(&app, "customers", dry_run, bad.as_bytes()).await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r["ok"], false);
        assert_eq!(
            errors(&r),
            vec![
                (3, "name".into()),
                (4, "kind".into()),
                (5, "external_id".into()),
                (6, "tax_id".into())
            ]
        );
        assert!(r["files"][0]["errors"][2]["message"]
            .as_str()
            .unwrap()
            .contains("line 2"));
        assert_eq!(r["files"][0]["written"], false);
        assert!(rows(&app, "customers").await.is_empty(), "all or nothing");
    }

    // A clean dry run says what would happen and keeps nothing.
    let good = "external_id,name\nA1,Good One\nA2,Second\n";
    let r = import(&app, "customers", "&dry_run=true", good.as_bytes()).await;
    assert_eq!((r.status, count(&r, "created")), (200, 2), "{r:?}");
    assert_eq!(
        (r["dry_run"].as_bool(), r["files"][0]["written"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(rows(&app, "customers").await.is_empty());
    assert!(rows(&app, "import_keys").await.is_empty());
    let r = import(&app, "customers", "", good.as_bytes()).await;
    assert_eq!(r.status, 200, "{r:?}");

    // References to rows never imported are named, with the header they came from.
    let sites = "id,Client,address_line1,city\nS1,A1,Main 1,Kyiv\nS2,ZZ,Main 2,Kyiv\n";
    let r = import(
        &app,
        "sites",
        "&map=%7B%22customer_id%22%3A%22Client%22%7D",
        sites.as_bytes(),
    )
    .await;
    assert_eq!(errors(&r), vec![(3, "customer_id".into())], "{r:?}");
    let e = &r["files"][0]["errors"][0];
    assert_eq!(e["column"], "Client");
    assert!(e["message"].as_str().unwrap().contains("`ZZ`"));
    assert!(rows(&app, "sites").await.is_empty());

    // A file without a required column, or with a mapping to a header it lacks.
    let r = import(
        &app,
        "sites",
        "",
        b"id,customer_id,address_line1\nS1,A1,Main 1\n",
    )
    .await;
    assert_eq!(errors(&r), vec![(1, "city".into())]);
    let r = import(
        &app,
        "customers",
        "&map=%7B%22name%22%3A%22Nom%22%7D",
        good.as_bytes(),
    )
    .await;
    assert_eq!(errors(&r), vec![(1, "name".into())]);

    // Requests that cannot be read at all: 4xx naming the parameter.
    for (path, status, field) in [
        ("/api/v1/import/customers?format=pdf", 400, Some("format")),
        ("/api/v1/import/customers?source=a%20b", 400, Some("source")),
        ("/api/v1/import/customers?map=%5B1%5D", 400, Some("map")),
        ("/api/v1/import/customers?format=xlsx", 400, Some("file")),
        ("/api/v1/import/invoices", 404, None),
    ] {
        let raw = app
            .as_owner()
            .raw(
                "POST",
                path,
                Some(good.as_bytes().to_vec()),
                &[("Content-Type", "text/csv")],
            )
            .await;
        let body: Value = serde_json::from_str(&raw.text).unwrap();
        assert_eq!(raw.status, status, "{path}: {}", raw.text);
        assert_eq!(body["error"]["field"].as_str(), field, "{path}");
    }
    for role in [Role::Manager, Role::Administrator, Role::Engineer] {
        let r = app
            .as_role(role)
            .raw(
                "POST",
                "/api/v1/import/customers",
                Some(good.as_bytes().to_vec()),
                &[("Content-Type", "text/csv")],
            )
            .await;
        assert_eq!(r.status, 403, "{role:?}");
    }
    assert_eq!(rows(&app, "customers").await.len(), 2);
}

async fn a_spreadsheet_reads_like_csv(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let xlsx = |name: &str| {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    // Numbers as ids, a list, a date column nobody reads, an empty row, a bad kind.
    let map = "&map=%7B%22external_id%22%3A%22Client%20ID%22%2C%22name%22%3A%22Client%20name%22%7D";
    let r = upload(&app, "customers", map, &xlsx("customers.xlsx"), XLSX).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(errors(&r), vec![(5, "kind".into())]);
    assert_eq!(
        r["files"][0]["ignored_columns"],
        serde_json::json!(["Since"])
    );
    assert_eq!(r["files"][0]["rows"], 3);

    let r = import(&app, "customers", "", b"id,name\n101,Aqua Cafe\n").await;
    assert_eq!(r.status, 200, "{r:?}");
    let sites = b"id,customer_id,address_line1,city\nS1,101,Main 1,Kyiv\n";
    let r = import(&app, "sites", "", sites).await;
    assert_eq!(r.status, 200, "{r:?}");
    // A date cell arrives as the day it shows.
    let r = upload(&app, "equipment", "", &xlsx("equipment.xlsx"), XLSX).await;
    assert_eq!(r.status, 200, "{r:?}");
    let items = rows(&app, "equipment").await;
    assert_eq!(
        (
            items[0]["installed_on"].as_str(),
            items[0]["model"].as_str()
        ),
        (Some("2023-05-17"), Some("RO-5"))
    );
}

/// `orderly import` as a company would run it, on the test's database.
fn command(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = app.command("import").args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn the_command_imports_a_folder_with_photos_and_certificates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &[u8]| std::fs::write(dir.path().join(name), body).unwrap();
    write("Customers.csv", CUSTOMERS.as_bytes());
    write("sites.csv", SITES.as_bytes());
    write("equipment.csv", EQUIPMENT.as_bytes());
    write("work-orders.csv", WORK_ORDERS.as_bytes());
    write(
        "visits.csv",
        VISITS
            .replace("customer_rating\n", "customer_rating,photos\n")
            .replace(",5\n", ",5,front.png;back.png\n")
            .as_bytes(),
    );
    write(
        "certificates.csv",
        CERTIFICATES
            .replace("issued_at\n", "issued_at,file\n")
            .replace("12:00\n", "12:00,K1.pdf\n")
            .as_bytes(),
    );
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    write("K1.pdf", pdf);
    write("front.png", &png_signature());
    let mut back = png_signature();
    back.extend_from_slice(b"another photo");
    write("back.png", &back);
    write(
        "map.toml",
        b"[customers]\nexternal_id = \"Code\"\nname = \"Client\"\n",
    );
    let map = dir.path().join("map.toml");
    let folder = dir.path().to_str().unwrap();

    // A dry run of the whole folder: later files see the rows of earlier ones.
    let (ok, out) = command(
        &app,
        &[
            folder,
            "--source",
            "crm",
            "--map",
            map.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("visits.csv: 1 rows, 1 would be created"),
        "{out}"
    );
    assert!(out.contains("nothing was written"), "{out}");
    assert!(rows(&app, "customers").await.is_empty());

    let (ok, out) = command(
        &app,
        &[folder, "--source", "crm", "--map", map.to_str().unwrap()],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("Customers.csv: 2 rows, 2 created, 0 updated"),
        "{out}"
    );
    assert!(
        out.contains("visits.csv: 1 rows, 1 created, 0 updated, 2 files"),
        "{out}"
    );
    let files = rows(&app, "visit_files").await;
    assert_eq!(files.len(), 2);
    let order = our_id(&app, "work_orders", "W1").await;
    let download = certificate_pdf(&app, &order).await;
    assert_eq!((download.status, download.text.as_bytes()), (200, &pdf[..]));
    let detail = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let photos = &detail["visits"][0]["files"];
    assert_eq!(photos.as_array().map(Vec::len), Some(2), "{detail:?}");

    // Again: everything updated, nothing doubled, the photos stored once.
    let (ok, out) = command(
        &app,
        &[folder, "--source", "crm", "--map", map.to_str().unwrap()],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("Customers.csv: 2 rows, 0 created, 2 updated"),
        "{out}"
    );
    assert_eq!(rows(&app, "visit_files").await.len(), 2);
    assert_eq!(rows(&app, "customers").await.len(), 2);

    // A photo that is not there fails its file, with the line and the field; the
    // command says so and exits with an error.
    write(
        "visits.csv",
        VISITS
            .replace("customer_rating\n", "customer_rating,photos\n")
            .replace("V1,", "V2,")
            .replace(",5\n", ",5,missing.jpg\n")
            .as_bytes(),
    );
    let (ok, out) = command(
        &app,
        &[&format!("visits={folder}/visits.csv"), "--source", "crm"],
    );
    assert!(!ok, "{out}");
    assert!(out.contains("line 2, column `photos` (photos[0])"), "{out}");
    assert!(out.contains("missing.jpg"), "{out}");
    assert_eq!(rows(&app, "visits").await.len(), 1);
}

/// The company's records out of one Orderly and into another, unchanged: the
/// export's CSV files are import files as they are.
async fn an_export_imports_into_another_orderly_unchanged(backend: Backend) {
    let from = TestApp::spawn(backend).await;
    let (customer, site, contact, _) =
        customer_with_site(&from, "Коваленко, Олена \"Зірка\"").await;
    from.as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            serde_json::json!({"email": "olena@example.com", "consent_marketing": true}),
        )
        .await;
    from.as_manager()
        .patch(
            &format!("/api/v1/customers/{customer}"),
            serde_json::json!({"tags": ["vip", "north"], "notes": "line one\nline two"}),
        )
        .await;
    let item = from
        .as_manager()
        .post(
            "/api/v1/equipment",
            serde_json::json!({"site_id": site, "kind": "gas boiler", "model": "V-200", "installed_on": "2021-04-30"}),
        )
        .await;
    assert_eq!(item.status, 201, "{item:?}");

    let to = TestApp::spawn(backend).await;
    for (table, entity) in [
        ("customers", "customers"),
        ("sites", "sites"),
        ("contacts", "contacts"),
        ("equipment", "equipment"),
    ] {
        let csv = from
            .as_owner()
            .raw("GET", &format!("/api/v1/export/{table}"), None, &[])
            .await;
        assert_eq!(csv.status, 200);
        let r = import(&to, entity, "", csv.text.as_bytes()).await;
        assert_eq!(r.status, 200, "{entity}: {r:?}");
    }
    // The same records, field for field; only the ids are new.
    let fields = |rows: Vec<Value>, skip: &[&str]| -> Vec<Value> {
        rows.into_iter()
            .map(|mut r| {
                let o = r.as_object_mut().unwrap();
                for key in ["id", "customer_id", "site_id", "created_at", "updated_at"]
                    .iter()
                    .chain(skip)
                {
                    o.remove(*key);
                }
                r
            })
            .collect()
    };
    for table in ["customers", "sites", "contacts", "equipment"] {
        assert_eq!(
            fields(rows(&from, table).await, &[]),
            fields(rows(&to, table).await, &[]),
            "{table}"
        );
    }
}

/// The review's spreadsheet (A1, B1, XFD1048576: 512 GiB as a dense range) and
/// CSV that once merged rows: refused or reported, nothing written, and the
/// server still answers.
async fn hostile_files_are_refused_and_the_server_lives_on(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let far = std::fs::read(format!(
        "{}/tests/fixtures/far-cell.xlsx",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert!(far.len() < 2048);
    for dry in ["&dry_run=true", ""] {
        let r = upload(&app, "customers", dry, &far, XLSX).await;
        assert_eq!(r.status, 400, "{r:?}");
        assert_eq!(r.field(), Some("file"));
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("column 16384"),
            "{r:?}"
        );
    }
    let health = app.anonymous().get("/api/v1/health").await;
    assert_eq!(health.status, 200);

    // An unclosed quote swallows the next line: reported on its line, nothing written.
    let unclosed = b"id,name,kind,segment\nq1,\"Unclosed quote,person,b2c\nq2,Fine,person,b2c\n";
    let r = import(&app, "customers", "", unclosed).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(errors(&r), vec![(2, String::new())]);
    // Missing and extra cells are not defaulted or ignored.
    let ragged =
        b"id,name,kind,segment\nr1,Short,person\nr2,Long,person,b2c,extra\nr3,Good,person,b2c\n";
    let r = import(&app, "customers", "", ragged).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(errors(&r), vec![(2, String::new()), (3, String::new())]);
    assert!(rows(&app, "customers").await.is_empty());
}

/// The parts catalogue: a supplier's price list in (other names by column,
/// money in major units), a second import updates, a bad row names its field;
/// the catalogue exported imports into another Orderly unchanged.
async fn a_catalogue_imports_and_exports(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let list = "Code,sku,name,name_uk,kind,unit,price,cost,compatible,barcode\n\
P1,crt-3,Cartridge set,Набір картриджів,cartridge,set,\"1 200,00\",700,RO filter;Atoll A-550,4820000000017\n\
P2,MEM-75,=HYPERLINK(\"x\"),,membrane,pcs,2100.50,1280,,\n";
    let map = "&map=%7B%22external_id%22%3A%22Code%22%7D";
    let r = import(&app, "parts", map, list.as_bytes()).await;
    assert_eq!((r.status, count(&r, "created")), (200, 2), "{r:?}");
    let found = app.as_manager().get("/api/v1/parts?q=CRT-3").await;
    let part = &found["items"][0];
    assert_eq!(
        (&part["sku"], &part["price"], &part["cost"]),
        (&json!("CRT-3"), &json!(120000), &json!(70000)),
        "{part}"
    );
    assert_eq!(part["names"]["uk"], "Набір картриджів");
    assert_eq!(part["compatible"], json!(["RO filter", "Atoll A-550"]));
    // The same file again with a new price: an update, not a second part.
    let again = list.replace("\"1 200,00\"", "1250");
    let r = import(&app, "parts", map, again.as_bytes()).await;
    assert_eq!(
        (count(&r, "created"), count(&r, "updated")),
        (0, 2),
        "{r:?}"
    );
    let found = app.as_manager().get("/api/v1/parts?q=CRT-3").await;
    assert_eq!(found["items"][0]["price"], 125000);
    // A bad kind is named; nothing of the file is written.
    let bad = "Code,sku,name,kind,price,cost\nP9,X-1,Thing,gadget,1,1\n";
    let r = import(&app, "parts", map, bad.as_bytes()).await;
    assert_eq!(errors(&r), [(2, "kind".to_owned())], "{r:?}");

    // Exported as the import reads it, and imported into another Orderly.
    let csv = app
        .as_manager()
        .raw("GET", "/api/v1/parts/export", None, &[])
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(
        csv.text.contains("'=HYPERLINK"),
        "a formula stays text: {}",
        csv.text
    );
    let to = TestApp::spawn(backend).await;
    let r = import(&to, "parts", "", csv.text.as_bytes()).await;
    assert_eq!((r.status, count(&r, "created")), (200, 2), "{r:?}");
    let strip = |rows: Vec<Value>| -> Vec<Value> {
        let mut rows: Vec<Value> = rows
            .into_iter()
            .map(|mut r| {
                for k in ["id", "created_at", "updated_at"] {
                    r.as_object_mut().unwrap().remove(k);
                }
                r
            })
            .collect();
        rows.sort_by_key(|r| r["sku"].as_str().unwrap().to_owned());
        rows
    };
    assert_eq!(
        strip(rows(&app, "parts").await),
        strip(rows(&to, "parts").await)
    );
}
