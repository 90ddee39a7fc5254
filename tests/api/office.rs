//! The office pages in a real browser, across roles: a manager converts a
//! reminder and agrees the order, an administrator plans the day and accepts,
//! the engineer finishes on the phone, the administrator certifies, and the
//! manager closes and sees the certificate and the next due date. Every page
//! is checked for requests outside the server and photographed.

use chrono::{Datelike, Duration as Days, Utc};
use orderly::core::role::Role;
use serde_json::json;

use crate::browser::Browser;
use crate::engineer_app::{sign_in as phone_sign_in, walk_visit, Phone};
use crate::on_both_backends;
use crate::planning::set_profile;
use crate::support::{TestApp, PASSWORD};
use crate::work_orders::{customer_with_site, engineer_id, order_in_scheduling};

on_both_backends!(
    a_job_goes_from_reminder_to_closed_through_every_role,
    an_administrator_books_from_the_board_and_sees_the_clash,
    a_manager_keeps_the_customer_base,
    the_owner_runs_users_settings_and_templates,
);

pub(crate) async fn office_sign_in(b: &Browser, app: &TestApp, role: Role) {
    b.visit(&app.base, "/office/login").await;
    b.set(
        "input[name=email]",
        &format!("{}@test.orderly", role.as_str()),
    )
    .await;
    b.set("input[name=password]", PASSWORD).await;
    b.click("form button[type=submit]").await;
    b.css("header.top").await;
}

async fn sign_out(b: &Browser) {
    b.click(".who form button").await;
    b.wait_for_url("/office/login").await;
}

/// A filter due for its service in three days, with the reminder already in the
/// inbox: (customer, equipment's plan, reminder).
async fn due_filter(app: &TestApp) -> (String, String, String) {
    let (customer, _site, _contact, equipment) = customer_with_site(app, "Olena Kovalenko").await;
    let tz = app.state.config().timezone;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let installed = app
        .as_manager()
        .patch(
            &format!("/api/v1/equipment/{equipment}"),
            json!({"installed_on": (today - Days::days(178)).to_string()}),
        )
        .await;
    assert_eq!(installed.status, 200, "{installed:?}");
    let plan = app
        .as_manager()
        .post(
            &format!("/api/v1/equipment/{equipment}/plans"),
            json!({"service_kind": "cartridge change", "recurrence": "after_completion", "every": 6, "unit": "months",
                   "lead_days": 30,
                   "scope_lines": [{"description": "Cartridge set", "quantity": 1, "unit_price": 95000}],
                   "estimated_minutes": 60}),
        )
        .await;
    assert_eq!(plan.status, 201, "{plan:?}");
    let pool = app.state.database.pool.clone();
    let config = app.state.config();
    actix_web::web::block(move || {
        orderly::scheduler::run_all(
            &mut pool.get().unwrap(),
            &Default::default(),
            Utc::now(),
            &config,
        )
    })
    .await
    .unwrap()
    .unwrap();
    let reminders = app
        .as_manager()
        .get(&format!("/api/v1/reminders?customer_id={customer}"))
        .await;
    let reminder = reminders["items"][0]["id"]
        .as_str()
        .expect("a reminder")
        .to_owned();
    (customer, plan["id"].as_str().unwrap().to_owned(), reminder)
}

/// The order's id from an address `/office/orders/{id}…`.
fn order_of(url: &str) -> String {
    let tail = url.split("/office/orders/").nth(1).unwrap();
    tail.split(['?', '#']).next().unwrap().to_owned()
}

async fn status(app: &TestApp, order: &str) -> String {
    let r = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    r["work_order"]["status"].as_str().unwrap().to_owned()
}

/// Waits until the order reaches a status (the page reloads after each action).
async fn reaches(app: &TestApp, order: &str, expected: &str) {
    for _ in 0..100 {
        if status(app, order).await == expected {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "{order} never reached {expected}: {}",
        status(app, order).await
    );
}

async fn a_job_goes_from_reminder_to_closed_through_every_role(app: TestApp) {
    let (customer, plan, reminder) = due_filter(&app).await;
    let engineer = engineer_id(&app);
    let profile = json!({"skills": [], "work_days": [1,2,3,4,5,6,7], "shift_start": "00:30", "shift_end": "23:30",
        "start_latitude": 50.45, "start_longitude": 30.50, "start_label": "Depot", "max_visits": 10});
    let r = set_profile(&app, &engineer, profile).await;
    assert_eq!(r.status, 200, "{r:?}");
    let tz = app.state.config().timezone;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let b = Browser::desktop().await;

    // The manager: the inbox, convert, agree, hand over.
    office_sign_in(&b, &app, Role::Manager).await;
    b.wait_for_url("/office/reminders").await;
    b.only_local().await;
    b.css(&format!("#reminder-{reminder}")).await;
    b.screenshot("office-reminders").await;
    b.click(&format!("#reminder-{reminder} details summary"))
        .await;
    b.click(&format!(
        "#reminder-{reminder} form[data-api$='/convert'] button[type=submit]"
    ))
    .await;
    let url = b.wait_for_url("/office/orders/").await;
    let order = order_of(&url);
    b.css("form#agree").await;
    b.set("form#agree input[name=estimated_minutes]", "60")
        .await;
    b.click("form#agree button.primary").await;
    reaches(&app, &order, "agreed").await;
    b.click("form[data-api$='/send-to-scheduling'] button")
        .await;
    reaches(&app, &order, "scheduling").await;
    b.visit(&app.base, &format!("/office/customers/{customer}"))
        .await;
    b.css("#open-orders").await;
    b.screenshot("office-customer-card").await;
    b.visit(&app.base, "/office/customers?q=Kovalenko").await;
    assert!(
        b.text().await.contains("Olena Kovalenko"),
        "search finds by name"
    );
    b.screenshot("office-customer-search").await;
    sign_out(&b).await;

    // The administrator: the queue, a plan for today with its map, accept, the board.
    office_sign_in(&b, &app, Role::Administrator).await;
    b.wait_for_url("/office/queue").await;
    b.css(&format!("a[href='/office/orders/{order}']")).await;
    b.screenshot("office-queue").await;
    b.visit(&app.base, &format!("/office/plan?date={today}"))
        .await;
    b.set("input[name=time_limit_seconds]", "1").await;
    b.click("form[data-api='/api/v1/route-plans'] button").await;
    b.wait_for_url("/office/plans/").await;
    b.css("svg.map polyline").await;
    b.only_local().await;
    b.screenshot("office-route-proposal").await;
    b.click(".toolbar form button.primary").await;
    b.wait_for_url("/office/board").await;
    reaches(&app, &order, "scheduled").await;
    b.css(&format!(".board .block[data-order='{order}']")).await;
    b.only_local().await;
    b.screenshot("office-dispatch-board").await;
    // Move the visit from the keyboard form: to 20:00–21:00 the same day.
    let detail = app
        .as_manager()
        .get(&format!("/api/v1/work-orders/{order}"))
        .await;
    let visit = detail["visits"][0]["id"].as_str().unwrap().to_owned();
    b.click(&format!("#visit-{visit} details summary")).await;
    b.set(&format!("#move-{visit} input[name=start]"), "20:00")
        .await;
    b.set(&format!("#move-{visit} input[name=end]"), "21:00")
        .await;
    b.click(&format!("#move-{visit} button.primary")).await;
    until(&app, &format!("/api/v1/work-orders/{order}"), |v| {
        first_visit_start(v, tz) == format!("{today} 20:00")
    })
    .await;
    b.visit(&app.base, &format!("/office/week?date={today}"))
        .await;
    b.css(&format!(".week a[href='/office/orders/{order}']"))
        .await;
    b.screenshot("office-week").await;
    b.visit(&app.base, "/office/notifications").await;
    b.screenshot("office-notifications").await;

    // The engineer, on the phone.
    let phone = Phone::phone().await;
    phone_sign_in(&phone, &app).await;
    walk_visit(&phone, &visit, false).await;
    phone.drained().await;
    phone.close().await;
    assert_eq!(status(&app, &order).await, "work_done");

    // The administrator certifies.
    b.visit(&app.base, &format!("/office/orders/{order}")).await;
    b.set(
        "form[data-api$='/certify'] textarea[name=summary]",
        "Cartridges changed, no leaks",
    )
    .await;
    b.click("form[data-api$='/certify'] button.primary").await;
    reaches(&app, &order, "certified").await;
    sign_out(&b).await;

    // The manager closes, and sees the certificate and the next due date.
    office_sign_in(&b, &app, Role::Manager).await;
    b.visit(&app.base, &format!("/office/orders/{order}")).await;
    b.css("a[href$='/certificate']").await;
    b.set(
        "form#close textarea[name=next_step]",
        "Next cartridge change in six months",
    )
    .await;
    b.click("form#close button.primary").await;
    reaches(&app, &order, "closed").await;
    b.screenshot("office-order").await;
    b.visit(&app.base, &format!("/office/customers/{customer}"))
        .await;
    b.css(&format!(
        "section[aria-labelledby=certs] a[href='/api/v1/work-orders/{order}/certificate']"
    ))
    .await;
    let next_due = app.as_manager().get(&format!("/api/v1/plans/{plan}")).await["next_due_on"]
        .as_str()
        .expect("the plan's next date")
        .parse::<chrono::NaiveDate>()
        .unwrap();
    assert!(
        next_due > today + Days::days(150),
        "the plan moved on: {next_due}"
    );
    let text = b.text().await;
    assert!(
        text.contains(&next_due.format("%d.%m.%Y").to_string()),
        "the card shows the next due date {next_due}"
    );
    b.screenshot("office-customer-card-after").await;
    b.visit(&app.base, "/office/lost").await;
    b.screenshot("office-lost-customers").await;
    b.close().await;
}

async fn an_administrator_books_from_the_board_and_sees_the_clash(app: TestApp) {
    let (customer, site, contact, _) = customer_with_site(&app, "Olena Kovalenko").await;
    let (first, _) = order_in_scheduling(&app, &customer, &site).await;
    let (second, _) = order_in_scheduling(&app, &customer, &site).await;
    let engineer = engineer_id(&app);
    let tz = app.state.config().timezone;
    let tomorrow = Utc::now().with_timezone(&tz).date_naive() + Days::days(1);
    let b = Browser::desktop().await;
    office_sign_in(&b, &app, Role::Administrator).await;
    b.visit(&app.base, &format!("/office/board?date={tomorrow}"))
        .await;
    b.css("#waiting").await;
    b.screenshot("office-board-waiting").await;
    for order in [&first, &second] {
        let form = format!("#assign-{order}");
        b.click(&format!("details:has({form}) summary")).await;
        b.set(&format!("{form} select[name=engineer_id]"), &engineer)
            .await;
        b.set(&format!("{form} input[name=start]"), "10:00").await;
        b.set(&format!("{form} input[name=end]"), "11:00").await;
        b.click(&format!("{form} button.primary")).await;
        if order == &second {
            // The engineer is taken then: the page asks, and books on a yes.
            for _ in 0..50 {
                if b.client.get_alert_text().await.is_ok() {
                    break;
                }
                actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            b.client.accept_alert().await.unwrap();
        }
        reaches(&app, order, "scheduled").await;
        let d = app
            .as_manager()
            .get(&format!("/api/v1/work-orders/{order}"))
            .await;
        assert_eq!(first_visit_start(&d.body, tz), format!("{tomorrow} 10:00"));
        b.visit(&app.base, &format!("/office/board?date={tomorrow}"))
            .await;
    }
    b.css(".conflicts").await;
    b.css(&format!(".board .block.conflict[data-order='{second}']"))
        .await;
    b.screenshot("office-board-conflict").await;
    // The order's extract: the administrator keeps access notes and availability current.
    b.visit(&app.base, &format!("/office/orders/{first}")).await;
    let notes = format!("form[data-api='/api/v1/sites/{site}/access-notes']");
    b.click(&format!("details:has({notes}) summary")).await;
    b.set(
        &format!("{notes} input[name=access_notes]"),
        "Key with the neighbour, flat 12",
    )
    .await;
    b.click(&format!("{notes} button.primary")).await;
    until(&app, &format!("/api/v1/sites/{site}"), |v| {
        v["access_notes"] == "Key with the neighbour, flat 12"
    })
    .await;
    let availability = format!("form[data-api='/api/v1/contacts/{contact}/availability']");
    b.click(&format!("details:has({availability}) summary"))
        .await;
    b.set(&format!("{availability} input[name=availability]"), "")
        .await;
    b.click(&format!("{availability} button.primary")).await;
    until(&app, &format!("/api/v1/contacts/{contact}"), |v| {
        v["availability"].is_null()
    })
    .await;
    b.visit(&app.base, &format!("/office/orders/{first}")).await;
    b.screenshot("office-order-extract").await;
    b.close().await;
}

/// The start of an order's first visit, company time: `2026-11-24 10:00`.
fn first_visit_start(order: &serde_json::Value, tz: chrono_tz::Tz) -> String {
    order["visits"][0]["planned_start"]
        .as_str()
        .and_then(|s| s.parse::<chrono::DateTime<Utc>>().ok())
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Asks the API until `check` holds for its answer at `path` (a page reloads after each form).
async fn until(
    app: &TestApp,
    path: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    for _ in 0..100 {
        let r = app.as_manager().get(path).await;
        if r.status == 200 && check(&r.body) {
            return r.body;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "{path} never became as expected: {:?}",
        app.as_manager().get(path).await
    );
}

async fn a_manager_keeps_the_customer_base(app: TestApp) {
    let b = Browser::desktop().await;
    office_sign_in(&b, &app, Role::Manager).await;
    b.visit(&app.base, "/office/customers").await;
    b.click(".toolbar details.act summary").await;
    b.set(
        "form[data-api='/api/v1/customers'] input[name=name]",
        "Aqua Cafe",
    )
    .await;
    b.set(
        "form[data-api='/api/v1/customers'] select[name=kind]",
        "organisation",
    )
    .await;
    b.set(
        "form[data-api='/api/v1/customers'] select[name=segment]",
        "b2b",
    )
    .await;
    b.click("form[data-api='/api/v1/customers'] button.primary")
        .await;
    let url = b.wait_for_url("/office/customers/0").await;
    let customer = url.rsplit('/').next().unwrap().to_owned();
    b.css("#contacts").await;

    // A contact: a bad phone is named and nothing is saved; then a good one.
    let contact_form = "form[data-api='/api/v1/contacts']";
    b.click(&format!("details:has({contact_form}) summary"))
        .await;
    b.set(&format!("{contact_form} input[name=name]"), "Iryna")
        .await;
    b.set(&format!("{contact_form} input[name=phones]"), "12")
        .await;
    b.click(&format!("{contact_form} button.primary")).await;
    b.css(&format!(
        "{contact_form} input[name=phones][aria-invalid=true]"
    ))
    .await;
    let contacts = format!("/api/v1/contacts?customer_id={customer}");
    assert_eq!(app.as_manager().get(&contacts).await["items"], json!([]));
    b.set(
        &format!("{contact_form} input[name=phones]"),
        "067 123 45 67",
    )
    .await;
    b.click(&format!("{contact_form} button.primary")).await;
    let list = until(&app, &contacts, |v| {
        v["items"].as_array().is_some_and(|a| a.len() == 1)
    })
    .await;
    assert_eq!(list["items"][0]["phones"], json!(["+380671234567"]));

    // A site, its equipment, and a maintenance plan for it.
    let site_form = "form[data-api='/api/v1/sites']";
    b.click(&format!("details:has({site_form}) summary")).await;
    b.set(
        &format!("{site_form} input[name=address_line1]"),
        "Khreshchatyk 22",
    )
    .await;
    b.set(&format!("{site_form} input[name=city]"), "Kyiv")
        .await;
    b.set(&format!("{site_form} input[name=latitude]"), "50.447")
        .await;
    b.set(&format!("{site_form} input[name=longitude]"), "30.522")
        .await;
    b.click(&format!("{site_form} button.primary")).await;
    let sites = format!("/api/v1/sites?customer_id={customer}");
    until(&app, &sites, |v| {
        v["items"].as_array().is_some_and(|a| a.len() == 1)
    })
    .await;
    let equipment_form = "form[data-api='/api/v1/equipment']";
    b.click(&format!("details:has({equipment_form}) summary"))
        .await;
    b.set(
        &format!("{equipment_form} input[name=kind]"),
        "reverse osmosis filter",
    )
    .await;
    b.set(
        &format!("{equipment_form} input[name=model]"),
        "Atoll A-550",
    )
    .await;
    b.click(&format!("{equipment_form} button.primary")).await;
    let items = format!("/api/v1/equipment?customer_id={customer}");
    let equipment = until(&app, &items, |v| {
        v["items"].as_array().is_some_and(|a| a.len() == 1)
    })
    .await;
    let equipment = equipment["items"][0]["id"].as_str().unwrap().to_owned();
    let plan_form = format!("form[data-api='/api/v1/equipment/{equipment}/plans']");
    b.click(&format!("details:has({plan_form}) summary")).await;
    b.set(
        &format!("{plan_form} input[name=service_kind]"),
        "cartridge change",
    )
    .await;
    b.set(
        &format!("{plan_form} input[name='scope_lines[0].description']"),
        "Cartridge set",
    )
    .await;
    b.set(
        &format!("{plan_form} input[name='scope_lines[0].unit_price']"),
        "950",
    )
    .await;
    b.click(&format!("{plan_form} button.primary")).await;
    let plans = until(&app, &format!("/api/v1/equipment/{equipment}/plans"), |v| {
        v.as_array().is_some_and(|a| a.len() == 1)
    })
    .await;
    assert_eq!(plans[0]["every"], 6);
    assert_eq!(plans[0]["scope_lines"][0]["unit_price"], 95000);

    // The contact's availability changes.
    let edit = "form[data-method=PATCH][data-api^='/api/v1/contacts/']";
    b.click(&format!("details:has({edit}) summary")).await;
    b.set(
        &format!("{edit} input[name=availability]"),
        "weekdays after 14:00",
    )
    .await;
    b.click(&format!("{edit} button.primary")).await;
    until(&app, &contacts, |v| {
        v["items"][0]["availability"] == "weekdays after 14:00"
    })
    .await;
    b.visit(&app.base, &format!("/office/customers/{customer}"))
        .await;
    b.screenshot("office-customer-card-new").await;
    b.close().await;
}

async fn the_owner_runs_users_settings_and_templates(app: TestApp) {
    let b = Browser::desktop().await;
    office_sign_in(&b, &app, Role::Owner).await;

    // Users: add a manager; a bad e-mail is named and changes nothing.
    b.visit(&app.base, "/office/users").await;
    b.click("details.card summary").await;
    b.set("form[data-api='/api/v1/users'] input[name=name]", "Iryna")
        .await;
    b.set(
        "form[data-api='/api/v1/users'] input[name=email]",
        "not-an-address",
    )
    .await;
    b.set(
        "form[data-api='/api/v1/users'] input[name=password]",
        "a-long-password-1",
    )
    .await;
    b.click("form[data-api='/api/v1/users'] input[value=manager]")
        .await;
    b.client
        .execute(
            "document.querySelector(\"form[data-api='/api/v1/users'] input[name=email]\").type = 'text';",
            vec![],
        )
        .await
        .unwrap();
    b.click("form[data-api='/api/v1/users'] button.primary")
        .await;
    let error = b.css("form[data-api='/api/v1/users'] .form-error").await;
    for _ in 0..50 {
        if !error.text().await.unwrap().is_empty() {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        error.text().await.unwrap().starts_with("email"),
        "the field is named"
    );
    b.css("form[data-api='/api/v1/users'] input[name=email][aria-invalid=true]")
        .await;
    b.set(
        "form[data-api='/api/v1/users'] input[name=email]",
        "iryna@test.orderly",
    )
    .await;
    b.click("form[data-api='/api/v1/users'] button.primary")
        .await;
    for _ in 0..50 {
        if b.text().await.contains("iryna@test.orderly") {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let users = app.as_owner().get("/api/v1/users").await;
    let iryna = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "iryna@test.orderly")
        .expect("the user was added");
    assert_eq!(iryna["roles"], json!(["manager"]));
    b.screenshot("office-users").await;

    // Settings: the company's details for certificates, in force at once.
    b.visit(&app.base, "/office/settings").await;
    b.set("#settings input[name=company_name]", "Aqua Service")
        .await;
    b.set(
        "#settings textarea[name=company_details]",
        "Kyiv, Khreshchatyk 1 · EDRPOU 12345678",
    )
    .await;
    b.click("#settings button.primary").await;
    for _ in 0..50 {
        if !b.css("#saved").await.text().await.unwrap().is_empty() {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(app.state.config().messaging.company, "Aqua Service");
    assert_eq!(
        app.state.config().messaging.company_details.as_deref(),
        Some("Kyiv, Khreshchatyk 1 · EDRPOU 12345678")
    );
    b.screenshot("office-settings").await;

    // Templates: a preview on sample data.
    b.visit(&app.base, "/office/templates").await;
    b.click("button[data-result='#preview']").await;
    for _ in 0..50 {
        if !b.css("#preview").await.text().await.unwrap().is_empty() {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!b.css("#preview").await.text().await.unwrap().is_empty());
    b.screenshot("office-templates").await;

    // Ukrainian on a click.
    b.click(".who a[lang=uk]").await;
    b.wait_for_url("/office/templates").await;
    assert!(b
        .css("header nav")
        .await
        .text()
        .await
        .unwrap()
        .contains("Користувачі"));
    b.screenshot("office-templates-uk").await;
    b.close().await;
}

/// The demo company in the office, for screenshots of full pages (SQLite only:
/// the pages are the same on PostgreSQL, which the tests above cover).
#[actix_web::test]
async fn the_demo_company_in_the_office() {
    let app = TestApp::spawn(orderly::store::Backend::Sqlite).await;
    let (pool, state) = (app.state.database.pool.clone(), app.state.clone());
    actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        orderly::demo::load(&mut conn, &state, 1).unwrap();
        orderly::scheduler::run_all(&mut conn, &Default::default(), Utc::now(), &state.config())
            .unwrap();
    })
    .await
    .unwrap();
    let tz = app.state.config().timezone;
    // The demo's engineers work on weekdays: plan the next one.
    let mut tomorrow = Utc::now().with_timezone(&tz).date_naive() + Days::days(1);
    while tomorrow.weekday().number_from_monday() > 5 {
        tomorrow += Days::days(1);
    }
    let b = Browser::desktop().await;
    office_sign_in(&b, &app, Role::Manager).await;
    b.css("table tbody tr").await;
    b.screenshot("demo-reminders").await;
    let card = b
        .css("table tbody tr td a[href^='/office/customers/']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    b.visit(&app.base, &card).await;
    b.css("#timeline").await;
    b.screenshot("demo-customer-card").await;
    sign_out(&b).await;

    office_sign_in(&b, &app, Role::Administrator).await;
    b.css("table tbody tr").await;
    b.screenshot("demo-queue").await;
    b.visit(&app.base, "/office/board").await;
    b.css(".board .block").await;
    b.screenshot("demo-dispatch-board").await;
    b.visit(&app.base, &format!("/office/plan?date={tomorrow}"))
        .await;
    b.set("input[name=time_limit_seconds]", "2").await;
    b.click("form[data-api='/api/v1/route-plans'] button").await;
    b.wait_for_url("/office/plans/").await;
    b.css("svg.map polyline").await;
    b.screenshot("demo-route-proposal").await;
    b.visit(&app.base, &format!("/office/week?date={tomorrow}"))
        .await;
    b.screenshot("demo-week").await;
    b.close().await;
}

/// A tile server on this machine: a grey PNG for every `/{z}/{x}/{y}.png`, and
/// the tiles asked for.
fn tile_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let asked = std::sync::Arc::new(std::sync::Mutex::new(vec![]));
    let seen = asked.clone();
    let mut png = std::io::Cursor::new(vec![]);
    image::RgbImage::from_pixel(256, 256, image::Rgb([220, 224, 228]))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let png = png.into_inner();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let (seen, png) = (seen.clone(), png.clone());
        App::new().route(
            "/{z}/{x}/{y}.png",
            web::get().to(move |path: web::Path<(u32, i64, i64)>| {
                let (z, x, y) = path.into_inner();
                seen.lock().unwrap().push(format!("{z}/{x}/{y}"));
                let png = png.clone();
                async move { HttpResponse::Ok().content_type("image/png").body(png) }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    (format!("http://127.0.0.1:{port}"), asked)
}

/// With a tile server configured, the route map lies on its tiles, which the
/// page's policy lets the browser load from there (and from nowhere else).
#[actix_web::test]
async fn the_route_map_lies_on_configured_tiles() {
    let (tiles, asked) = tile_server();
    let template = format!("{tiles}/{{z}}/{{x}}/{{y}}.png");
    let app = TestApp::spawn_with(
        orderly::store::Backend::Sqlite,
        &[
            ("ORDERLY_MAP_TILES_URL", &template),
            ("ORDERLY_MAP_ATTRIBUTION", "© Test Tiles"),
        ],
    )
    .await;
    let (customer, site, _, _) = customer_with_site(&app, "Olena Kovalenko").await;
    order_in_scheduling(&app, &customer, &site).await;
    let engineer = engineer_id(&app);
    let profile = json!({"skills": [], "work_days": [1,2,3,4,5,6,7], "shift_start": "08:00", "shift_end": "18:00",
        "start_latitude": 50.40, "start_longitude": 30.40, "max_visits": 10});
    let r = set_profile(&app, &engineer, profile).await;
    assert_eq!(r.status, 200, "{r:?}");
    let tomorrow = Utc::now()
        .with_timezone(&app.state.config().timezone)
        .date_naive()
        + Days::days(1);
    let b = Browser::desktop().await;
    office_sign_in(&b, &app, Role::Administrator).await;
    b.visit(&app.base, &format!("/office/plan?date={tomorrow}"))
        .await;
    b.click("form[data-api='/api/v1/route-plans'] button").await;
    b.wait_for_url("/office/plans/").await;
    b.css("svg.map image").await;
    assert!(
        b.text().await.contains("© Test Tiles"),
        "the tiles' credit is shown"
    );
    for _ in 0..50 {
        if !asked.lock().unwrap().is_empty() {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let asked = asked.lock().unwrap().clone();
    assert!(!asked.is_empty(), "the browser loaded the tiles");
    assert!(
        asked
            .iter()
            .all(|t| t.starts_with(|c: char| c.is_ascii_digit())),
        "{asked:?}"
    );
    b.screenshot("office-route-proposal-tiles").await;
    b.close().await;
}
