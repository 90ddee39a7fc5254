//! QR stickers on equipment: the printed sheet (its geometry, and codes a
//! real decoder reads back to the piece's page), the no-login scan page, a
//! problem reported with a photo and a phone landing in the managers' inbox,
//! the limits per sticker and per address, withdrawn and forged stickers, and
//! "book my next service" when a plan is due. A phone browser walk last.

use std::process::{Command, Stdio};

use chrono::{Duration, Utc};
use orderly::core::sticker::never_expires;
use orderly::store::Backend;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::pdf_geometry::{self, solid_jpeg};
use crate::support::day_ahead;
use crate::support::{Raw, TestApp};
use crate::work_orders::{act, customer_with_site, engineer_id, window};
use orderly::core::role::Role;

const PHONE: &str = "+380441234567";
const BOUNDARY: &str = "----orderly-sticker-test";

async fn app_with_phone(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, &[("ORDERLY_COMPANY_PHONE", "044 123 45 67")]).await
}

/// The scan page's path of a piece's sticker, signed as the print signs it.
fn sticker(app: &TestApp, equipment: &str, version: u16) -> String {
    let token = app
        .state
        .config()
        .messaging
        .link_key
        .sign(equipment, version, never_expires())
        .unwrap();
    format!("/q/{token}")
}

/// A form field: its name, its bytes and, for a file, the file's name.
type Field<'a> = (&'a str, &'a [u8], Option<&'a str>);

/// A multipart form as a browser sends it.
fn form(fields: &[Field]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes, file) in fields {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/jpeg\r\n\r\n")
                    .as_bytes(),
            ),
            None => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn send(app: &TestApp, path: &str, fields: &[Field<'_>]) -> Raw {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    app.anonymous()
        .raw(
            "POST",
            path,
            Some(form(fields)),
            &[("content-type", content_type.as_str())],
        )
        .await
}

async fn page(app: &TestApp, path: &str) -> Raw {
    app.anonymous().raw("GET", path, None, &[]).await
}

async fn requests(app: &TestApp) -> Vec<Value> {
    let r = app
        .as_manager()
        .get("/api/v1/reminders?kind=service_request&limit=200")
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r["items"].as_array().unwrap().clone()
}

async fn equipment(app: &TestApp, site: &str, kind: &str, model: &str, serial: &str) -> String {
    let r = app
        .as_manager()
        .post(
            "/api/v1/equipment",
            json!({"site_id": site, "kind": kind, "model": model, "serial_number": serial}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r["id"].as_str().unwrap().to_owned()
}

/// Every QR code on a rendered sheet, read back by a decoder from a 300 dpi
/// image of the page, in label order.
fn decoded(pdf: &[u8], name: &str) -> Vec<String> {
    let dir = pdf_geometry::artefacts().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = dir.join("sheet");
    let mut child = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-png", "-f", "1", "-l", "1", "-"])
        .arg(&prefix)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), pdf).unwrap();
    assert!(child.wait().unwrap().success());
    let png = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .unwrap();
    let img = image::open(png).unwrap().to_luma8();
    let px = |mm: f32| (mm / 25.4 * 300.0).round() as u32;
    let mut out = Vec::new();
    for n in 0..orderly::core::sticker::LABELS_PER_SHEET {
        let (left, top) = orderly::stickers::cell(n);
        let (x, y) = (px(left), px(297.0 - top));
        let (w, h) = (
            px(orderly::stickers::LABEL_H),
            px(orderly::stickers::LABEL_H),
        );
        let crop = image::imageops::crop_imm(&img, x, y, w, h).to_image();
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            crop.width() as usize,
            crop.height() as usize,
            |x, y| crop.get_pixel(x as u32, y as u32).0[0],
        );
        for grid in prepared.detect_grids() {
            if let Ok((_, content)) = grid.decode() {
                out.push(content);
            }
        }
    }
    out
}

async fn a_sheet_of_stickers_opens_each_pieces_page(backend: Backend) {
    let app = app_with_phone(backend).await;
    let (customer, site, _, first) = customer_with_site(&app, "Олена Наліпка").await;
    let long = equipment(
        &app,
        &site,
        "Система зворотного осмосу з мінералізатором, ультрафіолетом і помпою підвищення тиску",
        "Ecosoft RObust PRO 3000 Industrial Extra Long Model Name",
        "SN-2024-000012345678901234567890",
    )
    .await;
    let r = app
        .as_administrator()
        .raw(
            "POST",
            "/api/v1/stickers",
            Some(json!({"customer_id": customer}).to_string().into_bytes()),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.content_type.as_deref(), Some("application/pdf"));
    let pdf = r.bytes;

    // Each code reads back to its piece's page, which shows that piece.
    let urls = decoded(&pdf, "stickers-codes");
    assert_eq!(urls.len(), 2, "{urls:?}");
    for (url, kind) in urls
        .iter()
        .zip(["reverse osmosis filter", "Система зворотного"])
    {
        let path = &url[url.find("/q/").unwrap()..];
        let p = page(&app, path).await;
        assert_eq!(p.status, 200, "{}", p.text);
        assert!(p.text.contains(kind), "{kind} in {}", p.text);
        assert!(p.headers["content-security-policy"].starts_with("default-src 'none'"));
        assert_eq!(p.headers["cache-control"], "no-store");
    }
    assert!(urls[0].ends_with(&sticker(&app, &first, 1)), "{urls:?}");

    // Every word stays in its label's text column, right of the code, inside the label.
    let pages = pdf_geometry::read(&pdf, &[], "stickers");
    assert_eq!(pages.len(), 1);
    let text = pages[0].text();
    for expected in ["Orderly", "+380 44 123 4567", "Atoll", "SN-2024", "Scan"] {
        assert!(text.contains(expected), "`{expected}` in {text}");
    }
    let (column, width) = orderly::stickers::text_column();
    let top_margin = orderly::stickers::TOP_MARGIN;
    for word in &pages[0].words {
        let (cx, cy) = (
            (word.at.x0 + word.at.x1) / 2.0,
            (word.at.y0 + word.at.y1) / 2.0,
        );
        let col = (cx / orderly::stickers::LABEL_W).floor();
        let row = ((cy - top_margin) / orderly::stickers::LABEL_H).floor();
        let left = col * orderly::stickers::LABEL_W;
        let top = top_margin + row * orderly::stickers::LABEL_H;
        assert!(
            word.at.x0 >= left + column - 0.6 && word.at.x1 <= left + column + width + 0.6,
            "`{}` leaves its column: {:?}",
            word.text,
            word.at
        );
        assert!(
            word.at.y0 >= top + 2.0 && word.at.y1 <= top + orderly::stickers::LABEL_H - 2.0,
            "`{}` leaves its label: {:?}",
            word.text,
            word.at
        );
    }
    assert!(
        text.contains('…'),
        "the long kind is cut, not run over: {text}"
    );

    // Starting after 22 used labels: two on the first sheet, none lost.
    let r = app
        .as_manager()
        .raw(
            "POST",
            "/api/v1/stickers",
            Some(
                json!({"equipment_ids": [first, long, first], "skip": 22})
                    .to_string()
                    .into_bytes(),
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        pdf_geometry::read(&r.bytes, &[], "stickers-two-sheets").len(),
        2
    );

    // One piece alone, placed on a part-used sheet.
    let r = app
        .as_manager()
        .raw(
            "GET",
            &format!("/api/v1/equipment/{long}/sticker?skip=23"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let urls = decoded(&r.bytes, "sticker-one");
    assert_eq!(urls.len(), 1);
    assert!(urls[0].ends_with(&sticker(&app, &long, 1)));

    // The customer card's plain link prints the same.
    let r = app
        .as_administrator()
        .raw(
            "GET",
            &format!("/api/v1/customers/{customer}/stickers?skip=1"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 200);

    // Bad selections are named and change nothing.
    let bad = [
        (
            json!({"customer_id": customer, "equipment_ids": [first]}),
            422,
            "customer_id",
        ),
        (json!({}), 422, "customer_id"),
        (json!({"equipment_ids": []}), 422, "equipment_ids"),
        (json!({"equipment_ids": ["nope"]}), 422, "equipment_ids[0]"),
        (json!({"equipment_ids": [first], "skip": 24}), 422, "skip"),
        (
            json!({"equipment_ids": vec![first.clone(); 241]}),
            422,
            "equipment_ids",
        ),
    ];
    for (body, status, field) in bad {
        let r = app
            .as_manager()
            .post("/api/v1/stickers", body.clone())
            .await;
        assert_eq!(
            (r.status, r.field()),
            (status, Some(field)),
            "{body}: {r:?}"
        );
    }
    let unknown = orderly::core::ids::new_id();
    let r = app
        .as_manager()
        .post("/api/v1/stickers", json!({"equipment_ids": [unknown]}))
        .await;
    assert_eq!(r.status, 404, "{r:?}");
}

async fn a_customer_reports_a_problem_with_a_photo(backend: Backend) {
    let app = app_with_phone(backend).await;
    let (customer, _, _, piece) = customer_with_site(&app, "Петро Протікає").await;
    let path = sticker(&app, &piece, 1);
    let p = page(&app, &path).await;
    assert_eq!(p.status, 200, "{}", p.text);
    for expected in [
        "Atoll A-550",
        "Last service",
        "not yet",
        "What's wrong?",
        PHONE,
    ] {
        assert!(p.text.contains(expected), "`{expected}` in {}", p.text);
    }
    assert!(
        !p.text.contains("Петро Протікає"),
        "no customer's name on a public page"
    );

    let photo = solid_jpeg([200, 40, 40], 2400, 1800);
    let r = send(
        &app,
        &path,
        &[
            ("what", "Leaking under the sink".as_bytes(), None),
            ("phone", b"067 765 43 21", None),
            ("photo", &photo, Some("leak.jpg")),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(
        r.location.as_deref(),
        Some(format!("{path}?sent=1").as_str())
    );
    let thanks = page(&app, &format!("{path}?sent=1")).await;
    assert!(thanks.text.contains("Thank you!"), "{}", thanks.text);

    let inbox = requests(&app).await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    let reminder = &inbox[0];
    assert_eq!(reminder["note"], "Leaking under the sink");
    assert_eq!(reminder["equipment_id"], piece);
    assert_eq!(reminder["customer_id"], customer);
    let id = reminder["id"].as_str().unwrap();
    let request = app
        .as_administrator()
        .get(&format!("/api/v1/reminders/{id}/service-request"))
        .await;
    assert_eq!(request.status, 200, "{request:?}");
    assert_eq!(request["callback_phone"], "+380677654321");
    assert_eq!(request["has_photo"], true);
    assert_eq!(request["equipment"], "reverse osmosis filter (Atoll A-550)");
    let photo = app
        .as_manager()
        .raw("GET", &format!("/api/v1/reminders/{id}/photo"), None, &[])
        .await;
    assert_eq!(photo.status, 200);
    assert_eq!(photo.content_type.as_deref(), Some("image/jpeg"));
    let kept = image::load_from_memory(&photo.bytes).unwrap();
    assert_eq!(
        (kept.width(), kept.height()),
        (1600, 1200),
        "kept downscaled"
    );

    // On the customer's timeline, said to be the customer's own.
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    let events = timeline["items"].as_array().unwrap();
    let asked = events
        .iter()
        .find(|e| e["action"] == "service_requested")
        .unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(asked["actor_id"], Value::Null);
    assert_eq!(asked["changes"]["by"], "customer");

    // Bad input is named in the customer's words, keeps what they typed, and adds nothing.
    let script = "<script>alert(1)</script> =HYPERLINK(\"http://x\")";
    let long = "x".repeat(5000);
    let cases: Vec<(Vec<Field>, u16, &str)> = vec![
        (
            vec![("what", b"  ", None), ("phone", b"0671112233", None)],
            422,
            "Please tell us what",
        ),
        (
            vec![("what", script.as_bytes(), None), ("phone", b"12", None)],
            422,
            "phone number does not look right",
        ),
        (
            vec![
                ("what", b"Broken", None),
                ("photo", b"not an image", Some("x.jpg")),
            ],
            422,
            "photo could not be read",
        ),
        (
            vec![("what", long.as_bytes(), None)],
            422,
            "Please tell us what",
        ),
    ];
    for (fields, status, said) in cases {
        let r = send(&app, &path, &fields).await;
        assert_eq!(r.status, status, "{}", r.text);
        assert!(r.text.contains(said), "`{said}` in {}", r.text);
        assert!(!r.text.contains("<script>alert"), "escaped");
    }
    let kept = send(
        &app,
        &path,
        &[("what", script.as_bytes(), None), ("phone", b"12", None)],
    )
    .await;
    assert!(
        kept.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "what was typed comes back: {}",
        kept.text
    );
    assert_eq!(requests(&app).await.len(), 1, "nothing more was recorded");
    // A body that is not a form at all.
    let r = app
        .anonymous()
        .raw(
            "POST",
            &path,
            Some(b"what=hello".to_vec()),
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(requests(&app).await.len(), 1);

    // Erasing the customer takes the words, the phone and the photo, and the sticker stops opening.
    let r = app
        .as_owner()
        .post(
            &format!("/api/v1/customers/{customer}/erase"),
            json!({"reason": "asked by the customer"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .as_manager()
        .get(&format!("/api/v1/reminders/{id}/service-request"))
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = app
        .as_manager()
        .get(&format!("/api/v1/reminders/{id}/photo"))
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    assert_eq!(page(&app, &path).await.status, 410);
}

async fn requests_are_limited_per_sticker(backend: Backend) {
    let app = app_with_phone(backend).await;
    let (_, _, _, piece) = customer_with_site(&app, "Busy Sticker").await;
    let path = sticker(&app, &piece, 1);
    for n in 0..5 {
        let r = send(
            &app,
            &path,
            &[("what", format!("Problem {n}").as_bytes(), None)],
        )
        .await;
        assert_eq!(r.status, 303, "request {n}: {}", r.text);
    }
    let r = send(&app, &path, &[("what", b"One more", None)]).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(r.text.contains("Please call us"), "{}", r.text);
    assert!(r.text.contains(&format!("tel:{PHONE}")), "{}", r.text);
    assert!(r.text.contains("One more"), "what was typed is kept");
    assert_eq!(requests(&app).await.len(), 5);
}

async fn a_withdrawn_or_forged_sticker_opens_nothing(backend: Backend) {
    let app = app_with_phone(backend).await;
    let (customer, _, _, piece) = customer_with_site(&app, "Withdrawn Sticker").await;
    let old = sticker(&app, &piece, 1);
    assert_eq!(page(&app, &old).await.status, 200);
    let r = app
        .as_administrator()
        .send(
            "DELETE",
            &format!("/api/v1/equipment/{piece}/sticker"),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{r:?}");

    let gone = page(&app, &old).await;
    assert_eq!(gone.status, 410, "{}", gone.text);
    assert!(gone.text.contains("no longer in use"), "{}", gone.text);
    assert!(gone.text.contains(PHONE), "whom to call: {}", gone.text);
    assert!(
        !gone.text.contains("Atoll"),
        "nothing of the piece: {}",
        gone.text
    );
    let r = send(&app, &old, &[("what", b"Still leaking", None)]).await;
    assert_eq!(r.status, 410);
    assert!(requests(&app).await.is_empty());

    // The next print carries the new version, which opens.
    let r = app
        .as_manager()
        .raw(
            "GET",
            &format!("/api/v1/customers/{customer}/stickers"),
            None,
            &[],
        )
        .await;
    let urls = decoded(&r.bytes, "stickers-reprinted");
    assert_eq!(urls.len(), 1);
    assert!(urls[0].ends_with(&sticker(&app, &piece, 2)), "{urls:?}");
    assert_eq!(page(&app, &sticker(&app, &piece, 2)).await.status, 200);

    // A changed character, another kind of link, a stranger's id: 404.
    let mut forged = sticker(&app, &piece, 2);
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let customer_token = sticker(&app, &customer, 1);
    for path in [
        forged,
        customer_token,
        "/q/not-a-token".to_owned(),
        format!("/q/{}", "A".repeat(500)),
    ] {
        let r = page(&app, &path).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
        assert!(r.text.contains(PHONE));
    }
    // Withdrawing an unknown piece is a 404; an engineer may not withdraw.
    let r = app
        .as_administrator()
        .send(
            "DELETE",
            &format!("/api/v1/equipment/{}/sticker", orderly::core::ids::new_id()),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
}

async fn book_my_next_service_when_it_is_due(backend: Backend) {
    let app = app_with_phone(backend).await;
    let (_, site, contact, piece) = customer_with_site(&app, "Due Soon").await;
    let today = Utc::now().date_naive();
    let plan = |starts: chrono::NaiveDate| {
        json!({"service_kind": "Cartridge change", "recurrence": "calendar", "rrule": "FREQ=YEARLY",
               "starts_on": starts.to_string(), "lead_days": 14})
    };
    let r = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{piece}/plans"),
            plan(today + Duration::days(5)),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let path = sticker(&app, &piece, 1);
    let p = page(&app, &path).await;
    assert!(p.text.contains("Book my next service"), "{}", p.text);
    let r = app
        .anonymous()
        .raw("POST", &format!("{path}/book"), None, &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let inbox = requests(&app).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["note"], "Please book my next service");

    // Not due yet: the date is shown and booking is refused.
    // In the customer's own language once their contact has one.
    let r = app
        .as_manager()
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"locale": "uk"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let p = page(&app, &sticker(&app, &piece, 1)).await;
    assert!(p.text.contains("Ваше обладнання"), "{}", p.text);
    assert!(p.text.contains("lang=\"uk\""));

    let later = equipment(&app, &site, "softener", "Ecosoft FU", "S-1").await;
    app.as_manager()
        .post(
            &format!("/api/v1/equipment/{later}/plans"),
            plan(today + Duration::days(200)),
        )
        .await;
    let path = sticker(&app, &later, 1);
    let p = page(&app, &path).await;
    let next_year = (today + Duration::days(200)).format("%Y").to_string();
    assert!(p.text.contains("Наступне обслуговування"), "{}", p.text);
    assert!(
        p.text.contains(&next_year),
        "a date this far off has its year: {}",
        p.text
    );
    assert!(!p.text.contains("Записатися на обслуговування"));
    let r = app
        .anonymous()
        .raw("POST", &format!("{path}/book"), None, &[])
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(requests(&app).await.len(), 1);
}

async fn an_order_waiting_for_a_time_is_shown(backend: Backend) {
    let app = app_with_phone(backend).await;
    let (customer, site, _, piece) = customer_with_site(&app, "Waiting Customer").await;
    let other = equipment(&app, &site, "softener", "Ecosoft FU", "S-2").await;
    let created = app
        .as_manager()
        .post(
            "/api/v1/work-orders",
            json!({"customer_id": customer, "site_id": site, "equipment_ids": [piece],
                   "scope_lines": [{"description": "Leak repair", "quantity": 1, "unit_price": 50000}]}),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created["work_order"]["id"].as_str().unwrap();
    for (action, version) in [("agree", 1), ("send-to-scheduling", 2)] {
        let r = act(&app, Role::Manager, id, action, json!({"version": version})).await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    let p = page(&app, &sticker(&app, &piece, 1)).await;
    assert!(
        p.text.contains("We will call you to agree a time."),
        "{}",
        p.text
    );
    // The other piece on the same site has nothing waiting.
    let p = page(&app, &sticker(&app, &other, 1)).await;
    assert!(!p.text.contains("We will call you"), "{}", p.text);

    // Booked: the time shows, and nothing on the sticker's page moves or cancels it.
    let (start, end) = window(&day_ahead(7), "07:00", "09:00");
    let r = act(
        &app,
        Role::Administrator,
        id,
        "schedule",
        json!({"version": 3, "engineer_id": engineer_id(&app), "start": start, "end": end}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let p = page(&app, &sticker(&app, &piece, 1)).await;
    assert!(p.text.contains("Booked: "), "{}", p.text);
    assert!(p.text.contains("09:00"), "the time in Kyiv: {}", p.text);
    assert!(
        !p.text.contains("/c/") && !p.text.contains("/v/"),
        "{}",
        p.text
    );
}

async fn a_due_service_is_booked_by_the_customer_on_to_choosing(backend: Backend) {
    let app = app_with_phone(backend).await;
    let settings = json!({"company_name": "Aqua", "company_phone": PHONE, "timezone": "Europe/Kyiv",
        "currency": "UAH", "locale": "en", "sms": {"provider": "log"},
        "email": {"transport": "log", "from": "office@aqua.test"},
        "self_scheduling": {"enabled": true}});
    let r = app
        .as_owner()
        .send("PUT", "/api/v1/settings", Some(settings.to_string()))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let (customer, site, _, piece) = customer_with_site(&app, "Books Alone").await;
    let starts = (Utc::now() + Duration::days(5)).date_naive().to_string();
    let r = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{piece}/plans"),
            json!({"service_kind": "Cartridge change", "recurrence": "calendar", "rrule": "FREQ=YEARLY",
                   "starts_on": starts, "lead_days": 14,
                   "scope_lines": [{"description": "Cartridge set", "quantity": 1, "unit_price": 95000}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let path = sticker(&app, &piece, 1);
    let r = app
        .anonymous()
        .raw("POST", &format!("{path}/book"), None, &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let to = r.location.unwrap();
    let choose = &to[to.find("/c/").expect("on to choosing a time")..];
    assert_eq!(page(&app, choose).await.status, 200);
    assert!(requests(&app).await.is_empty(), "no call-back needed");

    // The plan's order waits for the customer's choice, agreed by the customer at the plan's price.
    let p = page(&app, &path).await;
    assert!(
        p.text.contains("Choose a time for your visit"),
        "{}",
        p.text
    );
    let orders = app
        .as_manager()
        .get(&format!("/api/v1/work-orders?customer_id={customer}"))
        .await;
    let order = &orders["items"][0];
    assert_eq!(order["status"], "scheduling", "{orders:?}");
    assert_eq!(order["equipment_ids"], json!([piece]));
    assert_eq!(order["total"], 95000);
    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    let agreed = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "agree")
        .cloned()
        .unwrap_or_else(|| panic!("{timeline:?}"));
    assert_eq!(agreed["changes"]["by"], "customer");
    // A second tap finds the order waiting: nothing more is booked.
    let r = app
        .anonymous()
        .raw("POST", &format!("{path}/book"), None, &[])
        .await;
    assert_eq!(r.status, 409, "{}", r.text);

    // A plan with no scope to agree on goes to the managers instead.
    let bare = equipment(&app, &site, "softener", "Ecosoft FU", "S-3").await;
    app.as_manager()
        .post(
            &format!("/api/v1/equipment/{bare}/plans"),
            json!({"service_kind": "Check", "recurrence": "calendar", "rrule": "FREQ=YEARLY",
                   "starts_on": starts, "lead_days": 14}),
        )
        .await;
    let r = app
        .anonymous()
        .raw(
            "POST",
            &format!("{}/book", sticker(&app, &bare, 1)),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(r.location.unwrap().contains("/q/"));
    assert_eq!(requests(&app).await.len(), 1);
}

mod backends {
    use super::*;
    on_both_backends!(
        backend: a_due_service_is_booked_by_the_customer_on_to_choosing,
        a_sheet_of_stickers_opens_each_pieces_page,
        a_customer_reports_a_problem_with_a_photo,
        requests_are_limited_per_sticker,
        a_withdrawn_or_forged_sticker_opens_nothing,
        book_my_next_service_when_it_is_due,
        an_order_waiting_for_a_time_is_shown,
    );
}

/// On a phone, as the customer would: scan, say what's wrong, attach a photo
/// from the phone, leave a number, send; then the manager finds it in the inbox.
#[actix_web::test]
async fn a_customer_reports_from_a_phone_and_the_manager_sees_it() {
    let app = app_with_phone(Backend::Sqlite).await;
    let (_, _, _, piece) = customer_with_site(&app, "Phone Scanner").await;
    let path = sticker(&app, &piece, 1);
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("leak.jpg");
    std::fs::write(&photo, solid_jpeg([200, 40, 40], 1200, 900)).unwrap();

    let b = crate::browser::Browser::handset().await;
    b.visit(&app.base, &path).await;
    b.wait_for_text("Something wrong?").await;
    b.fits_the_phone().await;
    b.screenshot("sticker-scan-phone").await;
    b.set("#what", "Water drips from the tap after the change")
        .await;
    b.set("#phone", "067 765 43 21").await;
    b.css("#photo")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    b.click("form[enctype] button[type=submit]").await;
    let text = b.wait_for_text("Thank you!").await;
    b.fits_the_phone().await;
    assert!(text.contains("Atoll A-550"), "{text}");
    b.screenshot("sticker-sent-phone").await;
    b.close().await;

    let b = crate::browser::Browser::desktop().await;
    crate::office::office_sign_in(&b, &app, Role::Manager).await;
    b.visit(&app.base, "/office/reminders?kind=service_request")
        .await;
    let text = b.text().await;
    assert!(text.contains("Water drips from the tap"), "{text}");
    assert!(text.contains("+380 67 765 4321"), "{text}");
    assert!(
        text.contains("reverse osmosis filter (Atoll A-550)"),
        "{text}"
    );
    b.css("a[href$='/photo']").await;
    b.screenshot("sticker-request-inbox-desktop").await;
    b.close().await;
}
