//! The completion certificate: issued when an order is certified, numbered per
//! year without gaps, stored once with its hash, downloadable by the office and
//! e-mailed to the customer. Its text is read back with `pdftotext` (poppler-utils).

use std::io::Write;
use std::process::{Command, Stdio};

use orderly::core::role::Role;
use orderly::files::sha256_hex;
use orderly::notify::worker::Worker;
use orderly::store::Backend;
use serde_json::json;

use crate::on_both_backends;
use crate::sinks::SmtpSink;
use crate::support::TestApp;
use crate::work_orders::{act, customer_with_site, engineer_id, order_in_scheduling};

on_both_backends!(
    backend: a_certified_order_has_its_certificate,
    numbers_have_no_gaps_under_concurrent_certification,
);

/// The text of a PDF, as `pdftotext` reads it.
fn pdf_text(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (apt-get install poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// An order taken to `work_done` on the given day: (order, version).
async fn done(app: &TestApp, customer: &str, site: &str, contact: &str, day: u32) -> (String, i64) {
    let (order, v) = order_in_scheduling(app, customer, site).await;
    let on = format!("2030-03-{day:02}");
    let steps = [
        (
            Role::Administrator,
            "schedule",
            json!({"version": v, "engineer_id": engineer_id(app),
            "start": format!("{on}T08:00:00Z"), "end": format!("{on}T10:00:00Z"), "on_site_contact_id": contact}),
        ),
        (Role::Engineer, "start-travel", json!({"version": v + 1})),
        (Role::Engineer, "arrive", json!({"version": v + 2})),
        (
            Role::Engineer,
            "finish",
            json!({"version": v + 3,
            "result_notes": "Тиск 3,1 бар. ნინომ შეამოწმა ფილტრი.",
            "parts_used": [{"name": "Картридж PP-5", "quantity": 2}]}),
        ),
    ];
    for (role, action, body) in steps {
        let r = act(app, role, &order, action, body).await;
        assert_eq!(r.status, 200, "{action}: {r:?}");
    }
    (order, v + 4)
}

async fn a_certified_order_has_its_certificate(backend: Backend) {
    let smtp = SmtpSink::start().await;
    let port = smtp.port.to_string();
    let app = TestApp::spawn_with(
        backend,
        &[
            ("ORDERLY_EMAIL_TRANSPORT", "smtp"),
            ("ORDERLY_SMTP_HOST", "127.0.0.1"),
            ("ORDERLY_SMTP_PORT", &port),
            ("ORDERLY_SMTP_SECURITY", "plain"),
            ("ORDERLY_COMPANY_NAME", "Аква Сервіс"),
            (
                "ORDERLY_COMPANY_DETAILS",
                "Київ, вул. Хрещатик 1 · ЄДРПОУ 12345678",
            ),
        ],
    )
    .await;
    let (customer, site, contact, _) = customer_with_site(&app, "Олена Коваленко").await;
    app.as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"email": "olena@example.com", "locale": "uk"}),
        )
        .await;
    let (order, v) = done(&app, &customer, &site, &contact, 5).await;
    let none = app
        .as_administrator()
        .get(&format!("/api/v1/work-orders/{order}/certificate"))
        .await;
    assert_eq!(none.status, 404, "not certified yet");

    let r = act(
        &app,
        Role::Administrator,
        &order,
        "certify",
        json!({"version": v, "summary": "Замінено картридж, перевірено тиск."}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let info = &r["certificate"];
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(info["number"], format!("{year}-000001"));

    let pdf = app
        .as_manager()
        .raw(
            "GET",
            &format!("/api/v1/work-orders/{order}/certificate"),
            None,
            &[],
        )
        .await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    let bytes = pdf.bytes;
    assert_eq!(
        sha256_hex(&bytes),
        info["sha256"].as_str().unwrap(),
        "the recorded hash"
    );
    let row = {
        let pool = app.state.pool.clone();
        let id = order.clone();
        actix_web::web::block(move || {
            orderly::store::certificates::latest_for_order(&mut pool.get().unwrap(), &id)
        })
        .await
        .unwrap()
        .unwrap()
        .unwrap()
    };
    let stored = app.state.files.get(&row.file_key).unwrap().unwrap();
    assert_eq!(stored, bytes, "served as stored");
    assert_eq!(stored.len() as i64, info["size_bytes"].as_i64().unwrap());
    assert!(bytes.starts_with(b"%PDF"));

    let text = pdf_text(&stored);
    for expected in [
        "Акт виконаних робіт",
        &format!("{year}-000001"),
        "Олена Коваленко",
        "Аква Сервіс",
        "Khreshchatyk 1, Kyiv",
        "Cartridge change",
        "1 200.00 UAH",
        "Картридж PP-5",
        "Замінено картридж",
        "ნინომ შეამოწმა ფილტრი",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` not in the certificate:\n{text}"
        );
    }

    // The customer's e-mail carries it.
    let worker = Worker::new(&app.state).unwrap();
    while worker.run_once().await.unwrap() > 0 {}
    assert_eq!(smtp.count(), 1);
    let mail = smtp.mails.lock().unwrap()[0].data.clone();
    assert!(mail.contains("Content-Type: application/pdf"), "{mail}");
    assert!(
        mail.contains(&format!("certificate-{year}-000001.pdf")),
        "{mail}"
    );
    assert!(
        mail.contains("Subject: =?utf-8?b?0KDQvtCx0L7RgtC4"),
        "the Ukrainian subject: {mail}"
    );
}

async fn numbers_have_no_gaps_under_concurrent_certification(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, site, contact, _) = customer_with_site(&app, "ნინო ბერიძე").await;
    let mut orders = Vec::new();
    for day in 1..=6 {
        orders.push(done(&app, &customer, &site, &contact, day).await);
    }
    // A refused certification takes no number.
    let (first, v) = &orders[0];
    let r = act(
        &app,
        Role::Administrator,
        first,
        "certify",
        json!({"version": v, "summary": " "}),
    )
    .await;
    assert_eq!(r.status, 422);

    let certify = orders.iter().map(|(order, v)| {
        act(
            &app,
            Role::Administrator,
            order,
            "certify",
            json!({"version": v, "summary": "Done."}),
        )
    });
    let answers = futures_util::future::join_all(certify).await;
    let mut numbers: Vec<String> = answers
        .iter()
        .map(|r| {
            assert_eq!(r.status, 200, "{r:?}");
            r["certificate"]["number"].as_str().unwrap().to_owned()
        })
        .collect();
    numbers.sort();
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=6).map(|n| format!("{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);

    let pdf = app
        .as_administrator()
        .raw(
            "GET",
            &format!("/api/v1/work-orders/{}/certificate", orders[0].0),
            None,
            &[],
        )
        .await;
    assert_eq!(pdf.status, 200);
}
