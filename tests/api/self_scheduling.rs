//! The customer chooses their own visit time from a link: the invitation when
//! an order reaches scheduling, slots that fit the engineer's route, booking
//! through the same step as the office, the race for one slot, the office
//! taking a slot first, moving and cancelling up to the cut-off, and links
//! that open nothing.

use chrono::{DateTime, Utc};
use orderly::core::ids::{TypedId, WorkOrderId};
use orderly::core::role::Role;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::planning::{profile, set_profile, waiting_order};
use crate::support::{Raw, TestApp};
use crate::work_orders::{act, engineer_id};

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

/// An order at a point in Kyiv, waiting in scheduling, and the engineer's profile.
async fn ready(app: &TestApp, name: &str) -> String {
    let r = set_profile(app, &engineer_id(app), profile(&[], 8)).await;
    assert_eq!(r.status, 200, "{r:?}");
    waiting_order(app, name, Some((50.46, 30.51)), json!({})).await
}

/// The office's link for an order (the path part).
async fn link(app: &TestApp, order: &str) -> String {
    let r = app
        .as_administrator()
        .post(
            &format!("/api/v1/work-orders/{order}/choice-link"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let url = r["link"].as_str().unwrap();
    url[url.find("/c/").unwrap()..].to_owned()
}

/// The slots a page offers: (engineer id, start).
fn offered(page: &Raw) -> Vec<(String, String)> {
    let mut slots = vec![];
    let mut rest = page.text.as_str();
    while let Some(i) = rest.find("name=\"engineer_id\" value=\"") {
        rest = &rest[i + 26..];
        let engineer = rest[..rest.find('"').unwrap()].to_owned();
        let j = rest.find("name=\"start\" value=\"").unwrap() + 20;
        rest = &rest[j..];
        let start = rest[..rest.find('"').unwrap()].to_owned();
        slots.push((engineer, start));
    }
    slots
}

async fn choose(app: &TestApp, path: &str, slot: &(String, String)) -> Raw {
    let body = serde_urlencoded::to_string([("engineer_id", &slot.0), ("start", &slot.1)]).unwrap();
    app.anonymous()
        .raw(
            "POST",
            &format!("{path}/book"),
            Some(body.into_bytes()),
            &[FORM],
        )
        .await
}

/// The order's booked visit.
fn booked(o: &Value) -> Value {
    o["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == "booked")
        .cloned()
        .unwrap_or(Value::Null)
}

async fn order(app: &TestApp, id: &str) -> Value {
    app.as_manager()
        .get(&format!("/api/v1/work-orders/{id}"))
        .await
        .body
}

async fn the_customer_books_moves_and_cancels(app: TestApp) {
    let id = ready(&app, "Chooser").await;
    let path = link(&app, &id).await;

    let page = app.anonymous().raw("GET", &path, None, &[]).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.text.contains("Choose a time for your visit"));
    assert_eq!(
        page.headers.get("cache-control").map(String::as_str),
        Some("no-store")
    );
    let slots = offered(&page);
    assert!(
        slots.len() >= 3,
        "several slots over ten days: {}",
        page.text
    );
    let starts: Vec<DateTime<Utc>> = slots.iter().map(|s| s.1.parse().unwrap()).collect();
    let notice = Utc::now() + chrono::Duration::hours(12);
    assert!(starts.iter().all(|s| *s >= notice), "12 hours' notice");

    // Book the first beyond the 24-hour cut-off: the order is scheduled with
    // that engineer, by the customer.
    let first = starts
        .iter()
        .position(|s| *s > Utc::now() + chrono::Duration::hours(25))
        .expect("a slot beyond the cut-off");
    let (slots, starts) = (&slots[first..], &starts[first..]);
    let r = choose(&app, &path, &slots[0]).await;
    assert_eq!(r.status, 303, "{r:?}");
    let o = order(&app, &id).await;
    assert_eq!(o["work_order"]["status"], "scheduled");
    assert_eq!(booked(&o)["engineer_id"], slots[0].0.as_str());
    assert_eq!(
        booked(&o)["planned_start"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        starts[0]
    );
    let page = app.anonymous().raw("GET", &path, None, &[]).await;
    assert!(page.text.contains("You chose this time."), "{}", page.text);
    assert!(page.text.contains("Cancel the visit"));
    let timeline = app
        .as_manager()
        .get(&format!(
            "/api/v1/customers/{}/timeline",
            o["work_order"]["customer_id"].as_str().unwrap()
        ))
        .await;
    let entry = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "schedule")
        .expect("the booking is on the timeline");
    assert_eq!(entry["actor_id"], Value::Null);
    assert_eq!(entry["changes"]["by"], "customer");

    // Move it to another offered time: a reschedule, still the customer's.
    let again = offered(&app.anonymous().raw("GET", &path, None, &[]).await);
    let other = again
        .iter()
        .find(|s| {
            s.1 != slots[0].1
                && s.1.parse::<DateTime<Utc>>().unwrap() > Utc::now() + chrono::Duration::hours(25)
        })
        .expect("other times to move to")
        .clone();
    let r = choose(&app, &path, &other).await;
    assert_eq!(r.status, 303, "{other:?} from {:?}: {}", slots[0], r.text);
    let o = order(&app, &id).await;
    assert_eq!(
        booked(&o)["planned_start"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        other.1.parse::<DateTime<Utc>>().unwrap()
    );

    // Cancel: the visit is freed and the order waits for a choice again.
    let r = app
        .anonymous()
        .raw("POST", &format!("{path}/cancel"), Some(vec![]), &[FORM])
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    let o = order(&app, &id).await;
    assert_eq!(o["work_order"]["status"], "scheduling");
    let waiting = app
        .as_administrator()
        .get("/api/v1/self-scheduling/waiting")
        .await;
    assert_eq!(waiting["count"], 1, "{waiting:?}");
    assert_eq!(waiting["orders"][0]["work_order_id"], id.as_str());
}

async fn one_slot_two_customers_and_the_office(app: TestApp) {
    let first = ready(&app, "First").await;
    let second = waiting_order(&app, "Second", Some((50.46, 30.51)), json!({})).await;
    let (a, b) = (link(&app, &first).await, link(&app, &second).await);
    let slot = offered(&app.anonymous().raw("GET", &a, None, &[]).await)[0].clone();
    assert!(
        offered(&app.anonymous().raw("GET", &b, None, &[]).await).contains(&slot),
        "both are offered the same time"
    );
    // Both tap it at once: exactly one gets it.
    let (ra, rb) = tokio::join!(choose(&app, &a, &slot), choose(&app, &b, &slot));
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [303, 409], "{ra:?} {rb:?}");
    let loser = if ra.status == 409 { &ra } else { &rb };
    assert!(loser.text.contains("just been taken"), "{}", loser.text);
    assert!(
        !offered(loser).contains(&slot),
        "the loser sees fresh slots without the taken one"
    );
    let scheduled = [order(&app, &first).await, order(&app, &second).await]
        .iter()
        .filter(|o| o["work_order"]["status"] == "scheduled")
        .count();
    assert_eq!(scheduled, 1);

    // The office books a third order into a slot its customer was offered.
    let third = waiting_order(&app, "Third", Some((50.46, 30.51)), json!({})).await;
    let c = link(&app, &third).await;
    let shown = offered(&app.anonymous().raw("GET", &c, None, &[]).await);
    let taken = shown.last().unwrap().clone();
    let start: DateTime<Utc> = taken.1.parse().unwrap();
    let other = waiting_order(&app, "Office", Some((50.46, 30.51)), json!({})).await;
    let r = act(
        &app,
        Role::Administrator,
        &other,
        "schedule",
        json!({"version": 3, "engineer_id": taken.0, "start": start, "end": start + chrono::Duration::hours(1)}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = choose(&app, &c, &taken).await;
    assert_eq!(r.status, 409, "the office took it first: {r:?}");
    assert_eq!(
        order(&app, &third).await["work_order"]["status"],
        "scheduling"
    );
}

/// A private customer reachable by SMS with an order the manager agreed and
/// sent to scheduling: (customer, order).
async fn sent_to_scheduling(app: &TestApp, name: &str, phone: &str) -> (String, String) {
    let customer = app.customer(name).await;
    let c = app
        .as_manager()
        .post(
            "/api/v1/contacts",
            json!({"customer_id": customer, "name": name, "phones": [phone], "role": "on_site"}),
        )
        .await;
    assert_eq!(c.status, 201, "{c:?}");
    let site = app.site(&customer).await;
    let created = app
        .as_manager()
        .post(
            "/api/v1/work-orders",
            json!({"customer_id": customer, "site_id": site, "scope_lines": [{"description": "Filter change", "quantity": 1, "unit_price": 50000}]}),
        )
        .await;
    let order = created["work_order"]["id"].as_str().unwrap().to_owned();
    act(app, Role::Manager, &order, "agree", json!({"version": 1})).await;
    let r = act(
        app,
        Role::Manager,
        &order,
        "send-to-scheduling",
        json!({"version": 2}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    (customer, order)
}

/// The "choose a time" messages a customer was sent.
async fn invitations(app: &TestApp, customer: &str) -> Vec<Value> {
    let sent = app
        .as_administrator()
        .get(&format!("/api/v1/notifications?customer_id={customer}"))
        .await;
    sent["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == "choose_time")
        .cloned()
        .collect()
}

async fn cut_off_forged_links_and_invitations(app: TestApp) {
    let id = ready(&app, "Late").await;
    let path = link(&app, &id).await;
    // The office books it for tomorrow morning, inside the 24-hour cut-off.
    let start = (Utc::now() + chrono::Duration::hours(20))
        .date_naive()
        .and_hms_opt(7, 0, 0)
        .unwrap()
        .and_utc();
    let start = if start < Utc::now() + chrono::Duration::hours(2) {
        start + chrono::Duration::days(1)
    } else {
        start
    };
    if start - Utc::now() < chrono::Duration::hours(24) {
        let r = act(
            &app,
            Role::Administrator,
            &id,
            "schedule",
            json!({"version": 3, "engineer_id": engineer_id(&app), "start": start, "end": start + chrono::Duration::hours(1)}),
        )
        .await;
        assert_eq!(r.status, 200, "{r:?}");
        let page = app.anonymous().raw("GET", &path, None, &[]).await;
        assert!(
            page.text.contains("can no longer be changed here"),
            "{}",
            page.text
        );
        assert!(!page.text.contains("Cancel the visit"));
        let r = app
            .anonymous()
            .raw("POST", &format!("{path}/cancel"), Some(vec![]), &[FORM])
            .await;
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(order(&app, &id).await["work_order"]["status"], "scheduled");
    }

    // A changed character, a visit's id, an unknown order: nothing opens.
    let mut forged: Vec<char> = path.chars().collect();
    let i = forged.len() - 4;
    forged[i] = if forged[i] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    assert_eq!(
        app.anonymous().raw("GET", &forged, None, &[]).await.status,
        404
    );
    let slot = ("x".to_owned(), "2030-01-01T10:00:00Z".to_owned());
    assert_eq!(choose(&app, &forged, &slot).await.status, 404);
    // A forged form on a good link: far ahead, off the grid, in year 9999, no engineer.
    let other = ready(&app, "Forger").await;
    let good = link(&app, &other).await;
    let real = offered(&app.anonymous().raw("GET", &good, None, &[]).await)[0].clone();
    let start: DateTime<Utc> = real.1.parse().unwrap();
    for (engineer, when) in [
        (
            real.0.clone(),
            (start + chrono::Duration::days(60)).to_rfc3339(),
        ),
        (
            real.0.clone(),
            (start + chrono::Duration::minutes(7)).to_rfc3339(),
        ),
        (real.0.clone(), "9999-12-31T10:00:00Z".to_owned()),
        (WorkOrderId::new().to_string(), real.1.clone()),
    ] {
        let r = choose(&app, &good, &(engineer, when.clone())).await;
        assert_eq!(r.status, 409, "{when}: {}", r.text);
    }
    let r = choose(&app, &good, &("not-an-id".to_owned(), real.1.clone())).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(
        order(&app, &other).await["work_order"]["status"],
        "scheduling"
    );
    let stranger = orderly::core::notice::link::LinkKey::derive(b"another server")
        .sign(
            &WorkOrderId::new(),
            0,
            Utc::now() + chrono::Duration::days(1),
        )
        .unwrap();
    let r = app
        .anonymous()
        .raw("GET", &format!("/c/{stranger}"), None, &[])
        .await;
    assert_eq!(r.status, 404);
    let expired = app
        .state
        .config()
        .messaging
        .link_key
        .sign(&id, 0, Utc::now() - chrono::Duration::hours(1))
        .unwrap();
    let r = app
        .anonymous()
        .raw("GET", &format!("/c/{expired}"), None, &[])
        .await;
    assert_eq!(r.status, 410);

    // With the company's setting on, sending an order to scheduling invites its customer.
    let settings = json!({"company_name": "Aqua", "timezone": "Europe/Kyiv", "currency": "UAH",
        "locale": "en", "sms": {"provider": "log"}, "email": {"transport": "log", "from": "office@aqua.test"},
        "self_scheduling": {"enabled": true, "days": 5}});
    let r = app
        .as_owner()
        .send("PUT", "/api/v1/settings", Some(settings.to_string()))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let (customer, oid) = sent_to_scheduling(&app, "Invited", "+380671112233").await;
    let sent = invitations(&app, &customer).await;
    let body = sent
        .first()
        .and_then(|n| n["body"].as_str())
        .unwrap_or_else(|| panic!("an invitation: {sent:?}"));
    assert!(
        body.contains("choose a time for your visit (Filter change)"),
        "{body}"
    );
    assert!(body.contains("/c/"), "{body}");
    // Invitations for business customers only: a private customer gets none.
    let mut b2b = settings.clone();
    b2b["self_scheduling"]["segments"] = json!(["b2b"]);
    let r = app
        .as_owner()
        .send("PUT", "/api/v1/settings", Some(b2b.to_string()))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let (private, _) = sent_to_scheduling(&app, "Private", "+380671112244").await;
    assert_eq!(invitations(&app, &private).await, Vec::<Value>::new());
    // Bad settings name their field and change nothing.
    let mut bad = settings.clone();
    bad["self_scheduling"]["days"] = json!(0);
    let r = app
        .as_owner()
        .send("PUT", "/api/v1/settings", Some(bad.to_string()))
        .await;
    assert_eq!((r.status, r.field()), (422, Some("self_scheduling.days")));
    assert!(WorkOrderId::parse(&oid).is_some());
}

/// The e-mail confirming the customer's choice carries the visit as a
/// calendar entry, at the chosen time, through a real SMTP conversation.
pub(crate) async fn the_booking_email_carries_a_calendar_entry(backend: orderly::store::Backend) {
    let smtp = crate::sinks::SmtpSink::start().await;
    let port = smtp.port.to_string();
    let app = TestApp::spawn_with(
        backend,
        &[
            ("ORDERLY_EMAIL_TRANSPORT", "smtp"),
            ("ORDERLY_SMTP_HOST", "127.0.0.1"),
            ("ORDERLY_SMTP_PORT", &port),
            ("ORDERLY_SMTP_SECURITY", "plain"),
            ("ORDERLY_EMAIL_FROM", "Aqua Service <office@aqua.test>"),
            ("ORDERLY_COMPANY_NAME", "Aqua Service"),
        ],
    )
    .await;
    let id = ready(&app, "Mailed").await;
    let customer = order(&app, &id).await["work_order"]["customer_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = app
        .as_manager()
        .post(
            "/api/v1/contacts",
            json!({"customer_id": customer, "name": "Olena", "email": "olena@example.com",
                   "preferred_channel": "email", "role": "on_site"}),
        )
        .await;
    assert_eq!(c.status, 201, "{c:?}");
    let path = link(&app, &id).await;
    let slot = offered(&app.anonymous().raw("GET", &path, None, &[]).await)[0].clone();
    assert_eq!(choose(&app, &path, &slot).await.status, 303);
    let worker = orderly::notify::worker::Worker::new(&app.state).unwrap();
    while worker.run_once().await.unwrap() > 0 {}
    let mails = smtp.mails.lock().unwrap().clone();
    let booked = mails
        .iter()
        .find(|m| m.data.contains("visit.ics"))
        .unwrap_or_else(|| panic!("no calendar entry in {} mails", mails.len()));
    let start: DateTime<Utc> = slot.1.parse().unwrap();
    let data = &booked.data;
    let part = data[data.find("filename=\"visit.ics\"").unwrap()..].to_owned();
    assert!(part.contains("Content-Type: text/calendar"), "{data}");
    let encoded: String = part
        .lines()
        .skip_while(|l| !l.trim().is_empty())
        .take_while(|l| !l.starts_with("--"))
        .map(str::trim)
        .collect();
    use base64::Engine;
    let ics = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map(|b| String::from_utf8(b).unwrap())
        .unwrap_or_else(|e| panic!("{e}: {part}"));
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(
        ics.contains(&start.format("DTSTART:%Y%m%dT%H%M%SZ").to_string()),
        "the chosen time: {ics}"
    );
    assert!(ics.contains("LOCATION:Mailed street 1\\, Kyiv"), "{ics}");
}

mod mailed {
    use super::the_booking_email_carries_a_calendar_entry;
    crate::on_both_backends!(backend: the_booking_email_carries_a_calendar_entry);
}

on_both_backends!(
    the_customer_books_moves_and_cancels,
    one_slot_two_customers_and_the_office,
    cut_off_forged_links_and_invitations,
);

/// The page's visible text, read again while a form post replaces the page.
/// On a phone, as the customer would: choose a time, move it, cancel it.
#[actix_web::test]
async fn a_customer_chooses_moves_and_cancels_on_a_phone() {
    let app = TestApp::spawn(orderly::store::Backend::Sqlite).await;
    let id = ready(&app, "Phone Customer").await;
    let path = link(&app, &id).await;
    let b = crate::browser::Browser::handset().await;
    b.visit(&app.base, &path).await;
    let text = b.wait_for_text("Choose a time for your visit").await;
    assert!(text.contains("Phone Customer street 1"), "{text}");
    b.screenshot("choose-time-phone").await;
    b.fits_the_phone().await;

    // The last day's last time: well beyond the cut-off.
    b.click("ul.slots:last-of-type li:last-child button").await;
    let text = b.wait_for_text("You chose this time.").await;
    assert!(text.contains("Cancel the visit"), "{text}");
    b.fits_the_phone().await;
    b.screenshot("choose-time-booked-phone").await;
    let first = booked(&order(&app, &id).await)["planned_start"].clone();

    // Move to the first time offered on that last day.
    b.click("ul.slots:last-of-type li:first-child button").await;
    b.wait_for_text("You chose this time.").await;
    let moved = booked(&order(&app, &id).await)["planned_start"].clone();
    assert_ne!(moved, first, "the visit moved");
    b.screenshot("choose-time-moved-phone").await;

    b.click("form[action$='/cancel'] button").await;
    b.wait_for_text("Choose a time for your visit").await;
    assert_eq!(order(&app, &id).await["work_order"]["status"], "scheduling");
    b.screenshot("choose-time-cancelled-phone").await;
    b.close().await;
}

/// The administrator lets a customer choose from the office's queue: the
/// link goes out, the queue counts the order as waiting for the customer.
#[actix_web::test]
async fn the_office_lets_a_customer_choose_from_the_queue() {
    let app = TestApp::spawn(orderly::store::Backend::Sqlite).await;
    let id = ready(&app, "Queue Customer").await;
    let b = crate::browser::Browser::desktop().await;
    crate::office::office_sign_in(&b, &app, Role::Administrator).await;
    b.visit(&app.base, "/office/queue").await;
    let form = format!("form[data-api='/api/v1/work-orders/{id}/choice-link'] button");
    b.click(&form).await;
    b.css("#choosing").await;
    let text = b.text().await;
    assert!(
        text.contains("Waiting for the customer's own choice of time: 1"),
        "{text}"
    );
    assert!(text.contains("Remind the customer"), "{text}");
    b.screenshot("office-queue-customer-choosing").await;
    let waiting = app
        .as_administrator()
        .get("/api/v1/self-scheduling/waiting")
        .await;
    assert_eq!(waiting["orders"][0]["work_order_id"], id.as_str());
    b.close().await;

    // The customer books; the manager's card says who did.
    let path = link(&app, &id).await;
    let slot = offered(&app.anonymous().raw("GET", &path, None, &[]).await)[0].clone();
    assert_eq!(choose(&app, &path, &slot).await.status, 303);
    let customer = order(&app, &id).await["work_order"]["customer_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let m = crate::browser::Browser::desktop().await;
    crate::office::office_sign_in(&m, &app, Role::Manager).await;
    m.visit(&app.base, &format!("/office/customers/{customer}"))
        .await;
    let mark = m.css(".timeline .by-customer").await.text().await.unwrap();
    assert_eq!(mark, "the customer, from their link");
    m.screenshot("office-card-booked-by-customer").await;
    m.close().await;
}
