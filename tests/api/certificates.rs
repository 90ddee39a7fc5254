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
use crate::pdf_geometry::{self, solid_jpeg, COLOURS};
use crate::sinks::SmtpSink;
use crate::support::{day_ahead, TestApp};
use crate::work_orders::{act, customer_with_site, engineer_id, order_in_scheduling};

on_both_backends!(
    backend: a_certified_order_has_its_certificate,
    numbers_have_no_gaps_under_concurrent_certification,
    a_visit_with_photos_and_a_signature_makes_a_full_certificate,
);

/// An order's certificate as the office downloads it.
pub(crate) async fn certificate_pdf(app: &TestApp, order: &str) -> crate::support::Raw {
    app.as_manager()
        .raw(
            "GET",
            &format!("/api/v1/work-orders/{order}/certificate"),
            None,
            &[],
        )
        .await
}

/// The text of a PDF, as `pdftotext` reads it.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
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
pub(crate) async fn done(
    app: &TestApp,
    customer: &str,
    site: &str,
    contact: &str,
    day: u32,
) -> (String, i64) {
    let (order, v) = order_in_scheduling(app, customer, site).await;
    let on = day_ahead(u64::from(day));
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
                "IBAN UA21 3223 1300 0002 6007 2335 6600 1",
            ),
            ("ORDERLY_COMPANY_LEGAL_NAME", "ТОВ «Аква Сервіс»"),
            (
                "ORDERLY_COMPANY_LEGAL_ADDRESS",
                "01001, Київ, вул. Хрещатик 1",
            ),
            ("ORDERLY_COMPANY_TAX_CODE", "12345678"),
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

    let pdf = certificate_pdf(&app, &order).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    let bytes = pdf.bytes;
    assert_eq!(
        sha256_hex(&bytes),
        info["sha256"].as_str().unwrap(),
        "the recorded hash"
    );
    let row = {
        let pool = app.state.database.pool.clone();
        use orderly::core::ids::TypedId;
        let id = orderly::core::ids::WorkOrderId::parse(&order).expect("an order id");
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
        "ТОВ «Аква Сервіс»",
        "01001, Київ, вул. Хрещатик 1",
        "12345678",
        "IBAN UA21",
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

/// A JPEG photo (a colour gradient) and a PNG signature (a line), as a phone sends them.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

pub(crate) fn png_signature() -> Vec<u8> {
    let img = image::GrayAlphaImage::from_fn(400, 120, |x, y| {
        let on_line = (y as i32 - 60 - ((x as f32 / 25.0).sin() * 30.0) as i32).abs() < 3;
        image::LumaA([0, if on_line { 255 } else { 0 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub(crate) async fn upload(
    app: &TestApp,
    visit: &str,
    what: &str,
    bytes: Vec<u8>,
    key: Option<&str>,
) -> crate::support::Raw {
    let mut headers = vec![("Content-Type", "application/octet-stream")];
    if let Some(k) = key {
        headers.push(("Idempotency-Key", k));
    }
    app.as_engineer()
        .raw(
            "POST",
            &format!("/api/v1/my/visits/{visit}/{what}"),
            Some(bytes),
            &headers,
        )
        .await
}

async fn a_visit_with_photos_and_a_signature_makes_a_full_certificate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, site, contact, _) = customer_with_site(&app, "Олена Коваленко").await;
    app.as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"locale": "uk"}),
        )
        .await;
    let (order, v) = order_in_scheduling(&app, &customer, &site).await;
    let steps = [
        (
            Role::Administrator,
            "schedule",
            json!({"version": v, "engineer_id": engineer_id(&app),
            "start": format!("{}T08:00:00Z", day_ahead(2)), "end": format!("{}T10:00:00Z", day_ahead(2)), "on_site_contact_id": contact}),
        ),
        (Role::Engineer, "start-travel", json!({"version": v + 1})),
    ];
    for (role, action, body) in steps {
        assert_eq!(
            act(&app, role, &order, action, body).await.status,
            200,
            "{action}"
        );
    }
    let detail = app
        .as_administrator()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let visit = detail["visits"][0]["id"].as_str().unwrap().to_owned();

    // Photos: checked by content, and a resend with the same key is the same photo.
    let red = || solid_jpeg(COLOURS[0], 640, 480);
    let first = upload(&app, &visit, "photos", red(), Some("photo-1")).await;
    assert_eq!(first.status, 201, "{first:?}");
    let again = upload(&app, &visit, "photos", red(), Some("photo-1")).await;
    assert_eq!(again.status, 200);
    let id = |r: &crate::support::Raw| {
        serde_json::from_str::<serde_json::Value>(&r.text).unwrap()["id"].clone()
    };
    assert_eq!(id(&first), id(&again));
    for (i, (w, h)) in [(480, 640), (800, 600), (300, 300)].into_iter().enumerate() {
        let key = format!("photo-{}", i + 2);
        assert_eq!(
            upload(
                &app,
                &visit,
                "photos",
                solid_jpeg(COLOURS[i + 1], w, h),
                Some(&key)
            )
            .await
            .status,
            201
        );
    }
    for (bytes, status) in [
        (b"%PDF-1.7 not an image".to_vec(), 422),
        (png_signature(), 201), // a PNG photo is fine
        (vec![0xFF; 11 * 1024 * 1024], 413),
    ] {
        let r = upload(&app, &visit, "photos", bytes, None).await;
        assert_eq!(r.status, status, "{}", r.text);
    }
    let not_png = upload(&app, &visit, "signature", jpeg(400, 120), None).await;
    assert_eq!(not_png.status, 422);
    assert!(
        not_png.text.contains("a signature must be a PNG"),
        "{}",
        not_png.text
    );

    // The office reads them back as stored.
    let detail = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let files = detail["visits"][0]["files"].as_array().unwrap().clone();
    assert_eq!(files.len(), 5);
    assert_eq!(
        (files[0]["width"].as_i64(), files[0]["height"].as_i64()),
        (Some(640), Some(480))
    );
    let photo = app
        .as_manager()
        .raw(
            "GET",
            &format!(
                "/api/v1/visits/{visit}/files/{}",
                files[0]["id"].as_str().unwrap()
            ),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (photo.status, photo.content_type.as_deref()),
        (200, Some("image/jpeg"))
    );
    assert!(photo.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));

    // Arrive and finish, each sent twice with its key as a phone replaying its queue would.
    for (action, body, key) in [
        ("arrive", json!({"version": v + 2}), "arrive-1"),
        (
            "finish",
            json!({"version": v + 3, "result_notes": "Фільтр промито.",
            "recommendations": "Замінити мембрану через рік.", "customer_rating": 5,
            "customer_comment": "Дякую!"}),
            "finish-1",
        ),
    ] {
        for _ in 0..2 {
            let r = app
                .as_engineer()
                .send_with_headers(
                    "POST",
                    &format!("/api/v1/work-orders/{order}/actions/{action}"),
                    Some(body.to_string()),
                    &[("Idempotency-Key", key)],
                )
                .await;
            assert_eq!(r.status, 200, "{action}: {r:?}");
        }
    }
    let bad = act(
        &app,
        Role::Engineer,
        &order,
        "finish",
        json!({"version": v + 4, "customer_rating": 7}),
    )
    .await;
    assert_ne!(bad.status, 200);
    let sig = upload(&app, &visit, "signature", png_signature(), Some("sig-1")).await;
    assert_eq!(sig.status, 201, "{sig:?}");
    let detail = app
        .as_administrator()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    assert_eq!(detail["work_order"]["version"], v + 4, "each action once");
    assert_eq!(detail["visits"][0]["customer_rating"], 5);
    assert_eq!(
        detail["visits"][0]["recommendations"],
        "Замінити мембрану через рік."
    );

    let r = act(
        &app,
        Role::Administrator,
        &order,
        "certify",
        json!({"version": v + 4, "summary": "Готово."}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let pdf = app
        .as_administrator()
        .raw(
            "GET",
            &format!("/api/v1/work-orders/{order}/certificate"),
            None,
            &[],
        )
        .await;
    let text = pdf_text(&pdf.bytes);
    assert!(
        text.contains("Рекомендації") && text.contains("Замінити мембрану"),
        "{text}"
    );
    assert!(text.contains("Фото"), "{text}");
    // As the customer reads it: the four coloured photos all printed, and
    // no word under a photo, over another word or in the margin.
    let pages = pdf_geometry::read(
        &pdf.bytes,
        &COLOURS[..4],
        &format!("api-certificate-{backend:?}"),
    );
    assert!(
        pdf_geometry::faults(&pages).is_empty(),
        "{:#?}",
        pdf_geometry::faults(&pages)
    );
    assert_eq!(pages.iter().map(|p| p.pictures.len()).sum::<usize>(), 4);
    // Six photos at most are printed: five here, and the signature.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let list = Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .unwrap();
    let images = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .count();
    assert_eq!(images, 6, "{}", String::from_utf8_lossy(&list.stdout));

    let late = upload(&app, &visit, "photos", jpeg(100, 100), None).await;
    assert_eq!(late.status, 409, "no photos after certification");
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline?limit=200"))
        .await;
    let finishes = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "finish")
        .count();
    assert_eq!(finishes, 1);

    // The nightly job forgets request ids after 30 days, not before.
    let count_after = |days: i64| {
        let (pool, config) = (app.state.database.pool.clone(), app.state.config());
        actix_web::web::block(move || {
            use diesel::prelude::*;
            let mut conn = pool.get().unwrap();
            let at = chrono::Utc::now() + chrono::Duration::days(days);
            orderly::scheduler::run_all(&mut conn, &Default::default(), at, &config).unwrap();
            orderly::store::schema::client_requests::table
                .count()
                .get_result::<i64>(&mut *conn)
                .unwrap()
        })
    };
    assert_eq!(
        count_after(29).await.unwrap(),
        2,
        "arrive-1 and finish-1 still known"
    );
    assert_eq!(count_after(31).await.unwrap(), 0);
}
