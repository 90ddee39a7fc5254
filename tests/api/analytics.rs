//! Analytics over a seeded company whose right answers were worked out by hand
//! (see the comments), on both backends: customer dynamics, revenue, lifetime
//! value, RFM, the funnel, CSAT and NPS, activity, field quality, CSV export,
//! segments with a mass message, and the survey from question to timeline.

use std::collections::HashMap;

use diesel::connection::SimpleConnection;
use orderly::core::ids;
use orderly::core::role::Role;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::planning::set_profile;
use crate::support::TestApp;
use crate::work_orders::{act, customer_with_site, order_in_scheduling};

on_both_backends!(
    backend: the_seeded_company_adds_up,
    segments_count_and_message_their_customers,
    a_survey_answer_reaches_the_timeline_and_the_score,
    orders_note_when_they_were_agreed_scheduled_and_done,
    settled_days_are_kept_and_forgotten_by_the_writes_that_touch_them,
    completing_orders_keeps_the_customer_totals,
    the_revenue_path_runs_by_local_calendar_year,
    the_owner_reads_the_dashboard_and_messages_a_segment,
    no_figure_is_invented,
);

/// With no data, figures say so instead of inventing one: no thirty-year
/// lifetime, no negative zero, no churn in a period that has not happened.
async fn no_figure_is_invented(backend: orderly::store::Backend) {
    let app = TestApp::spawn(backend).await;
    let dash = app.as_owner().get("/api/v1/analytics/dashboard").await;
    assert_eq!(dash.status, 200, "{dash:?}");
    let text = dash.body.to_string();
    assert!(
        !text.contains("-0.0") && !text.contains(":-0,"),
        "a negative zero: {text}"
    );
    let a = &dash["value"]["assumptions"];
    assert_eq!(a["expected_lifetime_years"], Value::Null, "{a}");
    assert!(
        a["lifetime_unknown"]
            .as_str()
            .unwrap()
            .starts_with("not enough data"),
        "{a}"
    );
    let all = dash["value"]["segments"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (all["arpu_lifetime"].clone(), all["discounted"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(all["historical"], 0.0);

    // A period reaching into the future stops at today; one starting there is refused.
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Kyiv)
        .date_naive();
    let r = app
        .as_owner()
        .get("/api/v1/analytics/customers?from=2026-01-01&to=2099-12-31")
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r["period"]["to"], today.to_string());
    let r = app
        .as_owner()
        .get("/api/v1/analytics/revenue?from=2099-01-01&to=2099-12-31")
        .await;
    assert_eq!((r.status, r.field()), (422, Some("from")), "{r:?}");
}

const H1: &str = "from=2026-01-01&to=2026-06-30";

/// Ids by short name, so the SQL reads like the story.
struct Seed {
    ids: HashMap<&'static str, String>,
    sql: String,
}

impl Seed {
    fn id(&mut self, name: &'static str) -> String {
        self.ids.entry(name).or_insert_with(ids::new_id).clone()
    }

    fn push(&mut self, sql: String) {
        self.sql.push_str(&sql);
        self.sql.push_str(";\n");
    }

    fn customer(&mut self, name: &'static str, segment: &str, city: &str) {
        let (c, s) = (self.id(name), self.id(site_of(name)));
        self.push(format!(
            "INSERT INTO customers (id, kind, segment, name, tags, search_text, created_at, updated_at) \
             VALUES ('{c}', 'person', '{segment}', 'Customer {name}', '[]', '{name}', '2020-01-01 00:00:00', '2020-01-01 00:00:00')"
        ));
        self.push(format!(
            "INSERT INTO sites (id, customer_id, address_line1, city, search_text, created_at, updated_at) \
             VALUES ('{s}', '{c}', '1 Main St', '{city}', '', '2020-01-01 00:00:00', '2020-01-01 00:00:00')"
        ));
    }

    fn contact(&mut self, customer: &'static str, marketing: bool, opted_out: &str) {
        let (id, c) = (ids::new_id(), self.id(customer));
        self.push(format!(
            "INSERT INTO contacts (id, customer_id, name, phones, consent_service, consent_marketing, search_text, created_at, updated_at, opted_out) \
             VALUES ('{id}', '{c}', 'Contact {customer}', '[\"+380671234567\"]', TRUE, {marketing}, '', '2020-01-01 00:00:00', '2020-01-01 00:00:00', '{opted_out}')"
        ));
    }

    fn equipment(&mut self, name: &'static str, customer: &'static str, kind: &str, model: &str) {
        let (e, c, s) = (self.id(name), self.id(customer), self.id(site_of(customer)));
        self.push(format!(
            "INSERT INTO equipment (id, customer_id, site_id, kind, model, status, search_text, created_at, updated_at) \
             VALUES ('{e}', '{c}', '{s}', '{kind}', '{model}', 'active', '', '2020-01-01 00:00:00', '2020-01-01 00:00:00')"
        ));
    }

    /// An order: `done` is when the work was done (none: not done).
    #[allow(clippy::too_many_arguments)]
    fn order(
        &mut self,
        name: &'static str,
        customer: &'static str,
        kind: &str,
        status: &str,
        total: i64,
        created: &str,
        milestones: [Option<&str>; 3],
        equipment: &[&'static str],
    ) {
        let (o, c, s, m) = (
            self.id(name),
            self.id(customer),
            self.id(site_of(customer)),
            self.ids["manager"].clone(),
        );
        let eq: Vec<String> = equipment.iter().map(|e| self.id(e)).collect();
        let eq = serde_json::to_string(&eq).unwrap();
        let t = |v: Option<&str>| v.map_or("NULL".to_owned(), |v| format!("'{v}'"));
        self.push(format!(
            "INSERT INTO work_orders (id, customer_id, site_id, equipment_ids, status, priority, scope_lines, total, currency, \
             required_skills, version, created_by, created_at, updated_at, kind, agreed_at, scheduled_at, completed_at) \
             VALUES ('{o}', '{c}', '{s}', '{eq}', '{status}', 'normal', '[]', {total}, 'UAH', '[]', 1, '{m}', '{created}', '{created}', \
             '{kind}', {}, {}, {})",
            t(milestones[0]),
            t(milestones[1]),
            t(milestones[2])
        ));
    }

    /// A finished visit: planned start–end, arrived, finished, outcome, rating.
    fn visit(
        &mut self,
        order: &'static str,
        planned: (&str, &str),
        arrived: Option<&str>,
        finished: &str,
        outcome: &str,
        rating: Option<i32>,
    ) {
        let (id, o, e) = (ids::new_id(), self.id(order), self.ids["engineer"].clone());
        let t = |v: Option<&str>| v.map_or("NULL".to_owned(), |v| format!("'{v}'"));
        let r = rating.map_or("NULL".to_owned(), |r| r.to_string());
        self.push(format!(
            "INSERT INTO visits (id, work_order_id, engineer_id, planned_start, planned_end, status, arrived_at, finished_at, outcome, \
             lines_done, parts_used, created_at, updated_at, customer_rating) \
             VALUES ('{id}', '{o}', '{e}', '{}', '{}', 'finished', {}, '{finished}', '{outcome}', '[]', '[]', '{}', '{}', {r})",
            planned.0, planned.1, t(arrived), planned.0, planned.0
        ));
    }

    fn reminder(&mut self, customer: &'static str, created: &str, order: Option<&'static str>) {
        let (id, c) = (ids::new_id(), self.id(customer));
        let (status, o) = match order {
            Some(o) => ("converted", format!("'{}'", self.id(o))),
            None => ("open", "NULL".to_owned()),
        };
        self.push(format!(
            "INSERT INTO reminders (id, customer_id, kind, status, due_on, converted_work_order_id, created_at, updated_at) \
             VALUES ('{id}', '{c}', 'maintenance', '{status}', '2026-06-01', {o}, '{created}', '{created}')"
        ));
    }

    fn survey(&mut self, customer: &'static str, asked: &str, score: Option<i32>) {
        let (id, c) = (ids::new_id(), self.id(customer));
        let (s, at) = match score {
            Some(s) => (s.to_string(), format!("'{asked}'")),
            None => ("NULL".to_owned(), "NULL".to_owned()),
        };
        self.push(format!(
            "INSERT INTO surveys (id, customer_id, asked_at, score, answered_at) VALUES ('{id}', '{c}', '{asked}', {s}, {at})"
        ));
    }
}

fn site_of(customer: &'static str) -> &'static str {
    match customer {
        "A" => "site A",
        "B" => "site B",
        "C" => "site C",
        "D" => "site D",
        "E" => "site E",
        "F" => "site F",
        _ => "site G",
    }
}

/// Six customers, with 12 months to lose one, over the first half of 2026:
/// - A (Kyiv): orders done 2025-03, 2026-02 (service 200.00), 2026-05 (installation 300.00);
/// - B (Kyiv, business): one order done 2024-11 — lost long before;
/// - C (Lviv): done 2025-08, a maintenance overdue since May: at risk;
/// - D (Lviv): done 2023-05, then 2026-03 (repair 250.00): won back; an order for
///   the same boiler opened ten days later: not a first-time fix;
/// - E (Kyiv): first order done 2026-04 (service 400.00, two visits): new;
/// - F (Odesa): done 2025-02 only: active on 1 January, lost by 30 June (churned).
async fn seed(app: &TestApp) -> HashMap<&'static str, String> {
    let mut s = Seed {
        ids: HashMap::new(),
        sql: String::new(),
    };
    s.ids.insert("manager", app.users[&Role::Manager].0.clone());
    s.ids
        .insert("engineer", app.users[&Role::Engineer].0.clone());
    for (c, seg, city) in [
        ("A", "b2c", "Kyiv"),
        ("B", "b2b", "Kyiv"),
        ("C", "b2c", "Lviv"),
        ("D", "b2c", "Lviv"),
        ("E", "b2c", "Kyiv"),
        ("F", "b2c", "Odesa"),
    ] {
        s.customer(c, seg, city);
    }
    s.contact("A", true, "[]");
    s.contact("C", false, "[]");
    s.contact("D", true, "[\"sms\"]");
    s.contact("E", true, "[]");
    s.equipment("eqA", "A", "water_filter", "Aquaphor Osmo 50");
    s.equipment("eqC", "C", "water_filter", "Atoll A-550");
    s.equipment("eqD", "D", "boiler", "Vaillant");
    let (c, e) = (s.id("C"), s.id("eqC"));
    s.push(format!(
        "INSERT INTO maintenance_plans (id, equipment_id, customer_id, service_kind, scope_lines, required_skills, lead_days, \
         notify_customer, active, recurrence_kind, every, unit, next_due_on, created_at, updated_at) \
         VALUES ('{}', '{e}', '{c}', 'Cartridge change', '[]', '[]', 14, FALSE, TRUE, 'interval', 6, 'months', '2026-05-01', \
         '2020-01-01 00:00:00', '2020-01-01 00:00:00')",
        ids::new_id()
    ));
    let done = |d: &'static str| Some(d);
    s.order(
        "A1",
        "A",
        "service",
        "closed",
        10_000,
        "2025-03-01 12:00:00",
        [None, None, done("2025-03-10 12:00:00")],
        &["eqA"],
    );
    s.order(
        "A2",
        "A",
        "service",
        "closed",
        20_000,
        "2026-01-21 12:00:00",
        [
            done("2026-01-22 12:00:00"),
            done("2026-01-25 12:00:00"),
            done("2026-02-10 12:00:00"),
        ],
        &["eqA"],
    );
    s.order(
        "A3",
        "A",
        "installation",
        "closed",
        30_000,
        "2026-04-25 12:00:00",
        [
            done("2026-04-26 12:00:00"),
            done("2026-04-28 12:00:00"),
            done("2026-05-10 12:00:00"),
        ],
        &["eqA"],
    );
    s.order(
        "B1",
        "B",
        "service",
        "closed",
        50_000,
        "2024-11-01 12:00:00",
        [None, None, done("2024-11-10 12:00:00")],
        &[],
    );
    s.order(
        "C1",
        "C",
        "service",
        "closed",
        15_000,
        "2025-08-01 12:00:00",
        [None, None, done("2025-08-10 12:00:00")],
        &["eqC"],
    );
    s.order(
        "D1",
        "D",
        "service",
        "closed",
        5_000,
        "2023-05-01 12:00:00",
        [None, None, done("2023-05-10 12:00:00")],
        &["eqD"],
    );
    s.order(
        "D2",
        "D",
        "repair",
        "cancelled",
        9_000,
        "2026-02-01 12:00:00",
        [done("2026-02-02 12:00:00"), None, None],
        &["eqD"],
    );
    s.order(
        "D3",
        "D",
        "repair",
        "certified",
        25_000,
        "2026-03-01 12:00:00",
        [
            done("2026-03-02 12:00:00"),
            done("2026-03-05 12:00:00"),
            done("2026-03-10 12:00:00"),
        ],
        &["eqD"],
    );
    s.order(
        "D4",
        "D",
        "repair",
        "new",
        0,
        "2026-03-20 12:00:00",
        [None, None, None],
        &["eqD"],
    );
    s.order(
        "E1",
        "E",
        "service",
        "closed",
        40_000,
        "2026-03-31 12:00:00",
        [
            done("2026-04-01 12:00:00"),
            done("2026-04-03 12:00:00"),
            done("2026-04-10 15:00:00"),
        ],
        &[],
    );
    s.order(
        "F1",
        "F",
        "service",
        "closed",
        8_000,
        "2025-02-01 12:00:00",
        [None, None, done("2025-02-10 12:00:00")],
        &[],
    );
    // The funnel: four reminders written in the period.
    s.reminder("A", "2026-01-20 12:00:00", Some("A2"));
    s.reminder("E", "2026-03-30 12:00:00", Some("E1"));
    s.reminder("D", "2026-01-31 12:00:00", Some("D2"));
    s.reminder("C", "2026-05-05 12:00:00", None);
    // Visits: 5 finished, 4 arrived, 3 inside the window, 1 without access, 5 hours on site, 4 days.
    s.visit(
        "A2",
        ("2026-02-10 09:00:00", "2026-02-10 11:00:00"),
        Some("2026-02-10 09:30:00"),
        "2026-02-10 10:30:00",
        "done",
        Some(5),
    );
    s.visit(
        "D3",
        ("2026-03-10 09:00:00", "2026-03-10 11:00:00"),
        Some("2026-03-10 11:30:00"),
        "2026-03-10 12:30:00",
        "done",
        Some(3),
    );
    s.visit(
        "E1",
        ("2026-04-10 09:00:00", "2026-04-10 11:00:00"),
        None,
        "2026-04-10 09:20:00",
        "no_access",
        None,
    );
    s.visit(
        "E1",
        ("2026-04-10 13:00:00", "2026-04-10 15:00:00"),
        Some("2026-04-10 13:00:00"),
        "2026-04-10 15:00:00",
        "done",
        Some(4),
    );
    s.visit(
        "A3",
        ("2026-05-10 09:00:00", "2026-05-10 11:00:00"),
        Some("2026-05-10 10:00:00"),
        "2026-05-10 11:00:00",
        "done",
        Some(5),
    );
    // Surveys: asked five times, answered 10, 9, 7, 3.
    s.survey("A", "2026-02-20 12:00:00", Some(10));
    s.survey("D", "2026-03-20 12:00:00", Some(9));
    s.survey("E", "2026-04-20 12:00:00", Some(7));
    s.survey("C", "2026-05-20 12:00:00", Some(3));
    s.survey("F", "2026-06-20 12:00:00", None);
    let mut conn = app.state.database.pool.get().unwrap();
    conn.batch_execute(&s.sql).unwrap();
    // Written around the application: the kept customer totals are recounted.
    orderly::store::rollups::rebuild(&mut conn).unwrap();
    s.ids
}

fn close(v: &Value, expected: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - expected).abs() < 1e-6, "{got} != {expected}");
}

async fn the_seeded_company_adds_up(backend: orderly::store::Backend) {
    let app = TestApp::spawn_with(backend, &[("ORDERLY_LOST_INACTIVE_MONTHS", "12")]).await;
    let engineer = app.users[&Role::Engineer].0.clone();
    let r = set_profile(
        &app,
        &engineer,
        json!({"work_days": [1, 2, 3, 4, 5], "shift_start": "08:00", "shift_end": "17:00",
               "break_start": "12:00", "break_minutes": 60, "start_latitude": 50.45, "start_longitude": 30.52}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let ids = seed(&app).await;
    let get = |path: String| {
        let app = &app;
        async move {
            let r = app.as_owner().get(&path).await;
            assert_eq!(r.status, 200, "{path}: {r:?}");
            r.body
        }
    };

    // Dynamics: active at start A, C, F; at the end A, C, D, E.
    let c = get(format!("/api/v1/analytics/customers?{H1}")).await;
    let d = &c["dynamics"];
    let counts: Vec<i64> = [
        "active_at_start",
        "active",
        "new",
        "churned",
        "lost",
        "won_back",
        "at_risk",
    ]
    .iter()
    .map(|k| d[k].as_i64().unwrap())
    .collect();
    assert_eq!(counts, vec![3, 4, 1, 1, 2, 1, 1], "{d}");
    close(&d["churn_rate"], 1.0 / 3.0);
    // E's cohort (April): still ordering in April, not after.
    let cohorts = c["cohorts"].as_array().unwrap();
    assert_eq!(cohorts.len(), 1, "{cohorts:?}");
    assert_eq!(cohorts[0]["month"], "2026-04");
    assert_eq!(cohorts[0]["retained"], json!([1.0, 0.0, 0.0]));

    // Revenue: 200 + 250 + 400 + 300 = 1150.00 in four orders by three customers.
    let r = get(format!("/api/v1/analytics/revenue?{H1}")).await;
    assert_eq!(
        (
            r["total"].as_i64(),
            r["orders"].as_i64(),
            r["customers"].as_i64()
        ),
        (Some(115_000), Some(4), Some(3))
    );
    close(&r["average_order_value"], 28_750.0);
    close(&r["purchase_frequency"], 4.0 / 3.0);
    let months: Vec<(String, i64, i64, i64)> = r["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["service"].as_i64().unwrap(),
                m["installation"].as_i64().unwrap(),
                m["repair"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        vec![
            ("2026-02".into(), 20_000, 0, 0),
            ("2026-03".into(), 0, 0, 25_000),
            ("2026-04".into(), 40_000, 0, 0),
            ("2026-05".into(), 0, 30_000, 0),
        ]
    );
    // Filters: Lviv is D's repair alone; business customers ordered nothing in the period.
    let lviv = get(format!("/api/v1/analytics/revenue?{H1}&city=lviv")).await;
    assert_eq!(lviv["total"], 25_000);
    let b2b = get(format!("/api/v1/analytics/revenue?{H1}&segment=b2b")).await;
    assert_eq!(b2b["total"], 0);
    let by_manager = get(format!(
        "/api/v1/analytics/revenue?{H1}&manager_id={}",
        ids["manager"]
    ))
    .await;
    assert_eq!(by_manager["total"], 115_000);

    // Lifetime value: historical means 306.00 (private), 500.00 (business), 338.33 (all).
    let v = get(format!("/api/v1/analytics/lifetime-value?{H1}")).await;
    let seg: HashMap<String, &Value> = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["segment"].as_str().unwrap().to_owned(), s))
        .collect();
    close(&seg["b2c"]["historical"], 30_600.0);
    close(&seg["b2b"]["historical"], 50_000.0);
    close(&seg["all"]["historical"], 203_000.0 / 6.0);
    assert_eq!(seg["all"]["customers"], 6);
    // The margin model is the ARPU model times the 40 % margin.
    close(
        &seg["all"]["margin_churn"],
        seg["all"]["arpu_lifetime"].as_f64().unwrap() * 0.4,
    );
    // Value from retention by tenure year, per segment: everyone buys in their first year.
    let retention = v["retention"].as_array().unwrap();
    let groups: Vec<&str> = retention
        .iter()
        .map(|r| r["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, vec!["b2b", "b2c", "all"]);
    let all = &retention[2];
    assert_eq!(all["customers"], 6);
    assert_eq!(all["retention"][0], 1.0);
    let kept: f64 = all["retention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum();
    close(
        &all["value"],
        all["revenue_per_year"].as_f64().unwrap() * kept * 0.4,
    );
    assert_eq!(v["top"][0]["name"], "Customer A");
    assert_eq!(v["top"][0]["historical"], 60_000.0);

    // RFM on the 5 × 5 × 5 cube. Scores (R, F, M) at 30 June: A (5, 5, 5) a
    // champion; E (4, 1, 3): recent, one order → potential loyalist; D (3, 4, 2)
    // → needs attention; C (2, 1, ·) hibernating; F (1, 1, ·) lost; B (1, 1, 4):
    // one large order long ago → at risk.
    let rfm = get(format!("/api/v1/analytics/rfm?{H1}")).await;
    let classes: HashMap<String, i64> = rfm["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["class"].as_str().unwrap().to_owned(),
                c["customers"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        classes.len(),
        11,
        "all eleven groups are listed: {classes:?}"
    );
    let groups = [
        "champions",
        "potential_loyalists",
        "need_attention",
        "hibernating",
        "lost",
        "at_risk",
    ];
    for g in groups {
        assert_eq!(classes[g], 1, "{g}: {classes:?}");
    }
    assert_eq!(classes.values().sum::<i64>(), 6);
    assert_eq!(
        rfm["retention"].as_array().unwrap().len(),
        11,
        "one per group"
    );
    let cube = rfm["cube"].as_array().unwrap();
    assert_eq!(cube.len(), 125);
    assert_eq!(
        cube.iter()
            .map(|c| c["customers"].as_i64().unwrap())
            .sum::<i64>(),
        6
    );
    assert_eq!(
        cube.iter()
            .map(|c| c["revenue"].as_i64().unwrap())
            .sum::<i64>(),
        203_000
    );
    let a = cube
        .iter()
        .find(|c| c["r"] == 5 && c["f"] == 5 && c["m"] == 5)
        .unwrap();
    assert_eq!(
        (
            a["customers"].as_i64(),
            a["revenue"].as_i64(),
            a["group"].as_str()
        ),
        (Some(1), Some(60_000), Some("champions"))
    );

    // Funnel: 4 reminders → 3 agreed (48 h each) → 2 booked (72, 48 h) → 2 done (384, 171 h).
    let f = get(format!("/api/v1/analytics/funnel?{H1}")).await;
    let steps = f["steps"].as_array().unwrap();
    let counts: Vec<i64> = steps.iter().map(|s| s["count"].as_i64().unwrap()).collect();
    assert_eq!(counts, vec![4, 3, 2, 2]);
    close(&steps[1]["conversion"], 0.75);
    close(&steps[2]["conversion"], 2.0 / 3.0);
    close(&steps[3]["overall"], 0.5);
    close(&steps[1]["median_hours"], 48.0);
    close(&steps[2]["median_hours"], 60.0);
    close(&steps[3]["median_hours"], 277.5);

    // Satisfaction: ratings 5, 3, 4, 5 → CSAT 75 %, mean 4.25; NPS (10, 9, 7, 3) = 25.
    let s = get(format!("/api/v1/analytics/satisfaction?{H1}")).await;
    close(&s["csat"]["csat"], 75.0);
    close(&s["csat"]["average"], 4.25);
    let kinds: HashMap<String, f64> = s["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["key"].as_str().unwrap().to_owned(),
                k["csat"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        (kinds["service"], kinds["repair"], kinds["installation"]),
        (100.0, 0.0, 100.0)
    );
    assert_eq!(s["by_engineer"][0]["label"], "engineer");
    close(&s["nps"]["nps"], 25.0);
    assert_eq!(
        (s["nps"]["answers"].as_i64(), s["surveys_sent"].as_i64()),
        (Some(4), Some(5))
    );

    // Activity: Kyiv brought 900.00 in three orders, Lviv 250.00.
    let a = get(format!("/api/v1/analytics/activity?{H1}")).await;
    let cities: Vec<(String, i64, i64)> = a["by_city"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["label"].as_str().unwrap().to_owned(),
                c["completed"].as_i64().unwrap(),
                c["revenue"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cities,
        vec![("Kyiv".into(), 3, 90_000), ("Lviv".into(), 1, 25_000)]
    );
    assert_eq!(a["by_engineer"][0]["revenue"], 115_000);
    let cells = a["by_weekday_hour"].as_array().unwrap();
    let sum = |k: &str| cells.iter().map(|c| c[k].as_i64().unwrap()).sum::<i64>();
    // Orders opened in the period: A2, A3, D2, D3, D4, E1; five visits; 1150.00.
    assert_eq!(
        (sum("orders"), sum("visits"), sum("revenue")),
        (6, 5, 115_000)
    );

    // Field quality: 3 of 4 arrivals in the window, 1 of 5 without access, 5 h on
    // site of 129 working days × 8 h, 5 visits on 4 days; first-time fix (3 − 1) ÷ 4.
    let q = get(format!("/api/v1/analytics/field-quality?{H1}")).await;
    close(&q["team"]["on_time_rate"], 0.75);
    close(&q["team"]["no_access_rate"], 0.2);
    close(&q["team"]["utilisation"], 5.0 / (129.0 * 8.0));
    close(&q["team"]["visits_per_day"], 1.25);
    assert_eq!(
        q["first_time_fix"],
        json!({"orders_done": 4, "single_visit": 3, "returned": 1, "rate": 0.5})
    );
    assert_eq!(q["engineers"][0]["visits"], 5);

    // The dashboard holds them all, with its timings.
    let dash = get(format!("/api/v1/analytics/dashboard?{H1}")).await;
    assert_eq!(dash["revenue"]["total"], 115_000);
    assert_eq!(dash["customers"]["dynamics"]["won_back"], 1);
    assert!(dash["timings"]["total"].as_f64().unwrap() > 0.0);

    // CSV of any table; a wrong table or format is named.
    let csv = app
        .as_manager()
        .raw(
            "GET",
            &format!("/api/v1/analytics/revenue?{H1}&format=csv&table=months"),
            None,
            &[],
        )
        .await;
    assert_eq!(csv.status, 200);
    let text = csv.text.clone();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("month,orders,service,installation,repair,total"),
        "{text}"
    );
    assert_eq!(lines.len(), 5);
    assert!(lines[2].starts_with("2026-03,1,0,0,25000,25000"), "{text}");
    let all = app
        .as_owner()
        .raw(
            "GET",
            &format!("/api/v1/analytics/rfm?{H1}&format=csv&table=customers"),
            None,
            &[],
        )
        .await;
    assert_eq!(all.text.lines().count(), 7);
    let cube = app
        .as_owner()
        .raw(
            "GET",
            &format!("/api/v1/analytics/rfm?{H1}&format=csv&table=cube"),
            None,
            &[],
        )
        .await;
    assert_eq!(cube.text.lines().count(), 126, "a header and 125 cells");
    assert!(
        cube.text.starts_with("r,f,m,group,customers,revenue"),
        "{}",
        cube.text
    );
    let bad = app
        .as_owner()
        .get(&format!("/api/v1/analytics/rfm?{H1}&format=csv&table=nope"))
        .await;
    assert_eq!((bad.status, bad.field()), (422, Some("table")));
    let bad = app
        .as_owner()
        .get("/api/v1/analytics/revenue?from=2026-07-01&to=2026-06-01")
        .await;
    assert_eq!((bad.status, bad.field()), (422, Some("to")));
    let bad = app
        .as_owner()
        .get("/api/v1/analytics/revenue?from=yesterday")
        .await;
    assert_eq!((bad.status, bad.field()), (400, Some("from")));

    // Engineers and administrators see none of it.
    for role in [Role::Engineer, Role::Administrator] {
        let r = app.as_role(role).get("/api/v1/analytics/dashboard").await;
        assert_eq!(r.status, 403);
    }
}

async fn segment_of(app: &TestApp, name: &str, rule: Value) -> Value {
    let r = app
        .as_manager()
        .post("/api/v1/segments", json!({"name": name, "rule": rule}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

async fn segments_count_and_message_their_customers(backend: orderly::store::Backend) {
    let app = TestApp::spawn(backend).await;
    seed(&app).await;
    // "Kyiv customers last served more than 20 months ago": B alone (A and E ordered in 2026).
    let old = segment_of(
        &app,
        "Kyiv, not served for 20 months",
        json!({"city": "kyiv", "last_service_over_months": 20}),
    )
    .await;
    assert_eq!(old["customers"], 1);
    let osmo = app
        .as_manager()
        .post(
            "/api/v1/segments/count",
            json!({"equipment_kind": "water_filter", "equipment_model": "osmo"}),
        )
        .await;
    assert_eq!(osmo["customers"], 1);
    let overdue = app
        .as_manager()
        .post(
            "/api/v1/segments/count",
            json!({"maintenance_overdue": true}),
        )
        .await;
    assert_eq!(overdue["customers"], 1);
    let bad = app
        .as_manager()
        .post(
            "/api/v1/segments",
            json!({"name": "x", "rule": {"last_service_over_months": 0}}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.field()),
        (422, Some("rule.last_service_over_months"))
    );

    // Messages go out at two a minute.
    let mut settings = app.as_owner().get("/api/v1/settings").await.body["settings"].clone();
    settings["analytics"]["messages_per_minute"] = json!(2);
    let saved = app
        .as_owner()
        .send("PUT", "/api/v1/settings", Some(settings.to_string()))
        .await;
    assert_eq!(saved.status, 200, "{saved:?}");

    // Private customers: A, C, D, E, F. C gave no marketing consent, D opted out
    // of SMS, F has no contact: two are reached.
    let private = segment_of(&app, "Private", json!({"segment": "b2c"})).await;
    let id = private["id"].as_str().unwrap();
    let path = format!("/api/v1/segments/{id}/messages");
    let body = json!({"channel": "sms", "body": "{{customer_name}}, 10 % off a cartridge change in March.", "dry_run": true});
    let dry = app.as_manager().post(&path, body.clone()).await;
    assert_eq!(dry.status, 200, "{dry:?}");
    assert_eq!(
        (
            dry["customers"].as_i64(),
            dry["reachable"].as_i64(),
            dry["id"].is_null()
        ),
        (Some(5), Some(2), true)
    );
    let none: i64 = count_notifications(&app, "campaign");
    assert_eq!(none, 0, "a dry run sends nothing");

    let bad = app
        .as_manager()
        .post(&path, json!({"channel": "email", "body": "Hello"}))
        .await;
    assert_eq!((bad.status, bad.field()), (422, Some("subject")));

    let mut real = body.clone();
    real["dry_run"] = json!(false);
    let sent = app.as_manager().post(&path, real).await;
    assert_eq!(sent.status, 201, "{sent:?}");
    assert_eq!(sent["delivery"], json!({"queued": 2, "suppressed": 3}));
    let campaign = sent["id"].as_str().unwrap();
    let again = app
        .as_manager()
        .get(&format!("/api/v1/campaigns/{campaign}"))
        .await;
    assert_eq!(again["customers"], 5);
    let list = app.as_manager().get(&path).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);

    // Each queued message names its customer, and they are 30 s apart.
    let rows = app
        .as_owner()
        .get("/api/v1/notifications?event=campaign&limit=50")
        .await;
    let items = rows["items"].as_array().unwrap();
    let queued: Vec<&Value> = items.iter().filter(|n| n["status"] == "queued").collect();
    assert_eq!(queued.len(), 2, "{rows:?}");
    assert!(queued
        .iter()
        .any(|n| n["body"].as_str().unwrap().contains("Customer A, 10 % off")));
    let mut at: Vec<chrono::DateTime<chrono::Utc>> = queued
        .iter()
        .map(|n| n["next_attempt_at"].as_str().unwrap().parse().unwrap())
        .collect();
    at.sort();
    assert_eq!((at[1] - at[0]).num_seconds(), 30);
    let reasons: Vec<&str> = items
        .iter()
        .filter(|n| n["status"] == "suppressed")
        .map(|n| n["last_error"].as_str().unwrap_or(""))
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("marketing")),
        "{reasons:?}"
    );

    // A segment with sent messages is kept; another may go.
    let r = app
        .as_manager()
        .send("DELETE", &format!("/api/v1/segments/{id}"), None)
        .await;
    assert_eq!(r.status, 409);
    let old_id = old["id"].as_str().unwrap();
    let r = app
        .as_manager()
        .send("DELETE", &format!("/api/v1/segments/{old_id}"), None)
        .await;
    assert_eq!(r.status, 204);
}

fn count_notifications(app: &TestApp, event: &str) -> i64 {
    use diesel::prelude::*;
    use orderly::store::schema::notifications;
    notifications::table
        .filter(notifications::event.eq(event))
        .count()
        .get_result(&mut app.state.database.pool.get().unwrap())
        .unwrap()
}

async fn a_survey_answer_reaches_the_timeline_and_the_score(backend: orderly::store::Backend) {
    let app = TestApp::spawn(backend).await;
    // An order done ten days ago, the real way.
    let (customer, site, _, _) = customer_with_site(&app, "Olha Survey").await;
    let (order, _) = order_in_scheduling(&app, &customer, &site).await;
    let ten_days_ago = chrono::Utc::now() - chrono::Duration::days(10);
    {
        use diesel::prelude::*;
        use orderly::store::schema::work_orders;
        diesel::update(work_orders::table.find(&order))
            .set(work_orders::completed_at.eq(Some(ten_days_ago.naive_utc())))
            .execute(&mut app.state.database.pool.get().unwrap())
            .unwrap();
    }
    let config = app.state.config();
    let mut conn = app.state.database.pool.get().unwrap();
    let now = chrono::Utc::now();
    assert_eq!(
        orderly::scheduler::run_surveys(&mut conn, &Default::default(), now, &config).unwrap(),
        1
    );
    assert_eq!(
        orderly::scheduler::run_surveys(&mut conn, &Default::default(), now, &config).unwrap(),
        0,
        "asked once"
    );
    drop(conn);
    let rows = app
        .as_owner()
        .get("/api/v1/notifications?event=nps_survey")
        .await;
    let body = rows["items"][0]["body"].as_str().unwrap().to_owned();
    let link = body.split_whitespace().find(|w| w.contains("/s/")).unwrap();
    let path = &link[link.find("/s/").unwrap()..];

    let page = app.anonymous().raw("GET", path, None, &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("name=\"score\""));
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let bad = app
        .anonymous()
        .raw("POST", path, Some(b"score=11".to_vec()), &form)
        .await;
    assert_eq!(bad.status, 422);
    let ok = app
        .anonymous()
        .raw(
            "POST",
            path,
            Some(b"score=9&comment=Quick+and+tidy".to_vec()),
            &form,
        )
        .await;
    assert_eq!(ok.status, 303);
    let forged = app
        .anonymous()
        .raw(
            "GET",
            "/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            None,
            &[],
        )
        .await;
    assert_eq!(forged.status, 404);

    let timeline = app
        .as_manager()
        .get(&format!("/api/v1/customers/{customer}/timeline"))
        .await;
    let answered = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity_type"] == "survey")
        .unwrap_or_else(|| panic!("{timeline:?}"));
    assert_eq!(answered["changes"]["score"], 9);
    let s = app.as_owner().get("/api/v1/analytics/satisfaction").await;
    assert_eq!(
        (s["nps"]["promoters"].as_i64(), s["nps"]["nps"].as_f64()),
        (Some(1), Some(100.0))
    );
}

async fn orders_note_when_they_were_agreed_scheduled_and_done(backend: orderly::store::Backend) {
    let app = TestApp::spawn(backend).await;
    let (customer, site, _, _) = customer_with_site(&app, "Milestones").await;
    let (order, version) = order_in_scheduling(&app, &customer, &site).await;
    let stamps = |app: &TestApp| {
        use diesel::prelude::*;
        use orderly::store::schema::work_orders;
        work_orders::table
            .find(&order)
            .select((
                work_orders::agreed_at,
                work_orders::scheduled_at,
                work_orders::completed_at,
                work_orders::kind,
            ))
            .first::<(
                Option<chrono::NaiveDateTime>,
                Option<chrono::NaiveDateTime>,
                Option<chrono::NaiveDateTime>,
                String,
            )>(&mut app.state.database.pool.get().unwrap())
            .unwrap()
    };
    let (agreed, scheduled, done, kind) = stamps(&app);
    assert!(agreed.is_some() && scheduled.is_none() && done.is_none());
    assert_eq!(kind, "service");
    let r = act(
        &app,
        Role::Manager,
        &order,
        "postpone",
        json!({"version": version, "reason": "customer away", "until": "2030-01-01"}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(stamps(&app).0, agreed, "a milestone keeps its first moment");
    // An order opened as an installation says so.
    let r = app
        .as_manager()
        .post(
            "/api/v1/work-orders",
            json!({"customer_id": customer, "site_id": site, "kind": "installation",
                   "scope_lines": [{"description": "Install", "quantity": 1, "unit_price": 500000}]}),
        )
        .await;
    assert_eq!(
        (r.status, r["work_order"]["kind"].as_str()),
        (201, Some("installation"))
    );
    let bad = app
        .as_manager()
        .post(
            "/api/v1/work-orders",
            json!({"customer_id": customer, "site_id": site, "kind": "magic"}),
        )
        .await;
    assert_eq!((bad.status, bad.field()), (400, Some("kind")));
}

async fn wait_text(b: &crate::browser::Browser, needle: &str) -> String {
    for _ in 0..100 {
        let text = b.text().await;
        if text.contains(needle) {
            return text;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("`{needle}` never appeared: {}", b.text().await);
}

async fn the_owner_reads_the_dashboard_and_messages_a_segment(backend: orderly::store::Backend) {
    let app = TestApp::spawn_with(backend, &[("ORDERLY_LOST_INACTIVE_MONTHS", "12")]).await;
    seed(&app).await;
    let b = crate::browser::Browser::desktop().await;
    crate::office::office_sign_in(&b, &app, Role::Owner).await;
    b.visit(&app.base, &format!("/office/analytics?{H1}")).await;
    let text = wait_text(&b, "1150.00 UAH").await;
    assert!(text.contains("Won back"), "{text}");
    let charts = b
        .client
        .execute(
            "return document.querySelectorAll('figure.chart svg rect').length",
            vec![],
        )
        .await
        .unwrap();
    assert!(charts.as_u64().unwrap() >= 10, "{charts}");
    let svgs = b
        .client
        .execute(
            "return document.querySelectorAll('figure.chart > svg').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(svgs, json!(5));
    b.screenshot("analytics-dashboard").await;

    // A CSV link of the page carries its period.
    let href = b
        .css("a[href*='table=months']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        href.contains("from=2026-01-01") && href.contains("format=csv"),
        "{href}"
    );

    // A segment from the page, its reach counted, then the message sent.
    b.set(
        "form[data-api='/api/v1/segments'] input[name=name]",
        "Private",
    )
    .await;
    b.set(
        "form[data-api='/api/v1/segments'] select[name='rule.segment']",
        "b2c",
    )
    .await;
    b.click("form[data-api='/api/v1/segments'] button[type=submit]")
        .await;
    wait_text(&b, "Private · 5").await;
    b.set(
        "article.segment textarea[name=body]",
        "Spring offer: 10 % off.",
    )
    .await;
    b.click("article.segment button[data-json]").await;
    wait_text(&b, "2 of 5 customers can receive it.").await;
    b.click("article.segment button[type=submit]:not([data-json])")
        .await;
    wait_text(&b, "Queued: 2").await;
    b.only_local().await;
    b.screenshot("analytics-segments").await;
    b.close().await;
}

async fn csat(app: &TestApp, period: &str) -> f64 {
    let s = app
        .as_owner()
        .get(&format!("/api/v1/analytics/satisfaction?{period}"))
        .await;
    assert_eq!(s.status, 200, "{s:?}");
    s["csat"]["csat"].as_f64().unwrap()
}

fn kept_days(app: &TestApp, name: &str) -> Vec<chrono::NaiveDate> {
    use diesel::prelude::*;
    use orderly::store::schema::analytics_days;
    analytics_days::table
        .filter(analytics_days::name.eq(name))
        .select(analytics_days::day)
        .order(analytics_days::day)
        .load(&mut app.state.database.pool.get().unwrap())
        .unwrap()
}

async fn settled_days_are_kept_and_forgotten_by_the_writes_that_touch_them(
    backend: orderly::store::Backend,
) {
    let app = TestApp::spawn(backend).await;
    seed(&app).await;
    assert!(kept_days(&app, "ratings").is_empty());
    // The first read computes every settled day of the half year and keeps it.
    assert_eq!(csat(&app, H1).await, 75.0);
    let half = orderly::core::analytics::Period::new(
        "2026-01-01".parse().unwrap(),
        "2026-06-30".parse().unwrap(),
        app.state.config().timezone,
    )
    .unwrap();
    let (first, last) = orderly::core::analytics::settled::split(&half, orderly::store::now())
        .days
        .unwrap();
    let whole = (last - first).num_days() as usize;
    let days = kept_days(&app, "ratings");
    assert_eq!(days.len(), whole, "every whole UTC day of the half year");
    assert!(whole >= 180);
    // The second reads the kept days and gives the same answer.
    assert_eq!(csat(&app, H1).await, 75.0);
    // A customer rates a visit of 10 March late: that day is forgotten and recounted.
    let mut conn = app.state.database.pool.get().unwrap();
    let rated_three: String = {
        use diesel::prelude::*;
        use orderly::store::schema::visits;
        visits::table
            .filter(visits::customer_rating.eq(3))
            .select(visits::id)
            .first(&mut conn)
            .unwrap()
    };
    let mut visit = orderly::store::visits::find(
        &mut conn,
        &orderly::core::ids::typed(&rated_three, "visit").unwrap(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(visit.customer_rating, Some(3));
    visit.customer_rating = Some(5);
    orderly::store::visits::save(&mut conn, &visit).unwrap();
    drop(conn);
    let day: chrono::NaiveDate = "2026-03-10".parse().unwrap();
    assert!(!kept_days(&app, "ratings").contains(&day));
    assert_eq!(csat(&app, H1).await, 100.0);
    assert!(kept_days(&app, "ratings").contains(&day));
    // A filtered report is never kept: it reads the orders themselves.
    let lviv = app
        .as_owner()
        .get(&format!("/api/v1/analytics/satisfaction?{H1}&city=Lviv"))
        .await;
    assert_eq!(lviv.status, 200);
    assert_eq!(kept_days(&app, "ratings").len(), whole);
}

async fn completing_orders_keeps_the_customer_totals(backend: orderly::store::Backend) {
    use diesel::prelude::*;
    use orderly::store::schema::{customer_totals, work_orders};
    let app = TestApp::spawn(backend).await;
    let (customer, site, contact, _) = customer_with_site(&app, "Totals").await;
    let (first, _) = crate::certificates::done(&app, &customer, &site, &contact, 1).await;
    let (second, _) = crate::certificates::done(&app, &customer, &site, &contact, 2).await;
    let mut conn = app.state.database.pool.get().unwrap();
    let (orders, revenue, first_at, last_at) = customer_totals::table
        .find(&customer)
        .select((
            customer_totals::orders,
            customer_totals::revenue,
            customer_totals::first_completed_at,
            customer_totals::last_completed_at,
        ))
        .first::<(i64, i64, chrono::NaiveDateTime, chrono::NaiveDateTime)>(&mut conn)
        .unwrap();
    let completed = |id: &str, conn: &mut orderly::store::DbConnection| {
        work_orders::table
            .find(id)
            .select((
                work_orders::completed_at,
                work_orders::previous_completed_at,
                work_orders::total,
            ))
            .first::<(
                Option<chrono::NaiveDateTime>,
                Option<chrono::NaiveDateTime>,
                i64,
            )>(conn)
            .unwrap()
    };
    let (a, a_before, a_total) = completed(&first, &mut conn);
    let (b, b_before, b_total) = completed(&second, &mut conn);
    assert_eq!((orders, revenue), (2, a_total + b_total));
    assert_eq!((Some(first_at), Some(last_at)), (a, b));
    assert_eq!((a_before, b_before), (None, a));
    // And by UTC year, for the revenue path.
    use chrono::Datelike;
    let by_year = kept_years(&mut conn, &customer);
    let (ya, yb) = (a.unwrap().year(), b.unwrap().year());
    let mut want = vec![(ya, 1, a_total), (yb, 1, b_total)];
    if ya == yb {
        want = vec![(ya, 2, a_total + b_total)];
    }
    assert_eq!(by_year, want);
    drop(conn);
    // Today's customer report counts them from the totals: one new customer, two orders.
    let r = app.as_owner().get("/api/v1/analytics/customers").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r["dynamics"]["new"], 1);
    assert_eq!(r["dynamics"]["active"], 1);
    let v = app.as_owner().get("/api/v1/analytics/lifetime-value").await;
    assert_eq!(v.status, 200, "{v:?}");
    assert!(v.body.to_string().contains(&customer), "{v:?}");
}

/// A customer's kept sums by UTC year: (year, orders, revenue), oldest first.
fn kept_years(conn: &mut orderly::store::DbConnection, customer: &str) -> Vec<(i32, i64, i64)> {
    use diesel::prelude::*;
    use orderly::store::schema::customer_years as y;
    y::table
        .filter(y::customer_id.eq(customer))
        .order(y::year)
        .select((y::year, y::orders, y::revenue))
        .load(conn)
        .unwrap()
}

/// The discounted revenue path: LTV = Σₜ revenueₜ × margin ÷ (1 + d)ᵗ − CAC
/// with t = 1 the customer's first year, computed here from the report's
/// own assumptions.
fn path_value(path: &[f64], base: f64, a: &Value) -> f64 {
    let (m, d) = (
        a["gross_margin"].as_f64().unwrap(),
        a["discount_rate"].as_f64().unwrap(),
    );
    let lifetime = a["expected_lifetime_years"].as_f64().unwrap();
    let mut flows = path.to_vec();
    let mut j = 0.0;
    while j < lifetime {
        flows.push(base * (lifetime - j).min(1.0));
        j += 1.0;
    }
    let sum: f64 = flows
        .iter()
        .enumerate()
        .map(|(t, r)| r * m / (1.0 + d).powi(t as i32 + 1))
        .sum();
    sum - a["acquisition_cost"].as_f64().unwrap()
}

/// Each year is the company's calendar year (Kyiv): an order done at 00:30 on
/// 1 January local time (22:30 UTC the day before) is in the new year, one at
/// 23:30 on 31 December in the old; orders after the period's end are left out.
async fn the_revenue_path_runs_by_local_calendar_year(backend: orderly::store::Backend) {
    let app = TestApp::spawn_with(backend, &[("ORDERLY_LOST_INACTIVE_MONTHS", "12")]).await;
    let mut s = Seed {
        ids: HashMap::new(),
        sql: String::new(),
    };
    s.ids.insert("manager", app.users[&Role::Manager].0.clone());
    s.customer("A", "b2c", "Kyiv");
    s.customer("F", "b2c", "Odesa");
    let done = |d: &'static str| [None, None, Some(d)];
    for (name, total, at) in [
        ("P1", 10_000, "2024-12-31 22:30:00"),
        ("P2", 20_000, "2025-06-01 12:00:00"),
        ("P3", 30_000, "2025-12-31 21:30:00"),
        ("P4", 40_000, "2026-01-15 12:00:00"),
        ("P5", 50_000, "2026-07-10 12:00:00"),
    ] {
        s.order(name, "A", "service", "closed", total, at, done(at), &[]);
    }
    // F, active on 1 January and lost by 30 June: someone churns, so there is a lifetime.
    s.order(
        "F1",
        "F",
        "service",
        "closed",
        1_000,
        "2025-02-01 12:00:00",
        done("2025-02-01 12:00:00"),
        &[],
    );
    // C, active on 1 July 2025 and lost by 31 December: the same for the second half of 2025.
    s.customer("C", "b2c", "Lviv");
    s.order(
        "C1",
        "C",
        "service",
        "closed",
        1_000,
        "2024-08-01 12:00:00",
        done("2024-08-01 12:00:00"),
        &[],
    );
    let mut conn = app.state.database.pool.get().unwrap();
    conn.batch_execute(&s.sql).unwrap();
    orderly::store::rollups::rebuild(&mut conn).unwrap();
    // Kept by UTC year; moved to the local year when read.
    let kept = kept_years(&mut conn, &s.ids["A"]);
    assert_eq!(
        kept,
        [(2024, 1, 10_000), (2025, 2, 50_000), (2026, 2, 90_000)]
    );
    drop(conn);
    let customer = s.ids["A"].clone();
    let value_of = |v: &Value| -> (Value, f64) {
        let a = v["assumptions"].clone();
        let top = v["top"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["customer_id"] == customer.as_str())
            .unwrap()
            .clone();
        (a, top["discounted_path"].as_f64().unwrap())
    };
    // The first half of 2026: 2025 (P1, P2, P3) and 2026 so far (P4); the
    // year ahead from the mean of the full years (2025 alone), trend 1.
    let v = app
        .as_owner()
        .get(&format!("/api/v1/analytics/lifetime-value?{H1}"))
        .await;
    assert_eq!(v.status, 200, "{v:?}");
    let (a, got) = value_of(&v.body);
    assert_eq!(a["yearly_trend"]["b2c"], 1.0, "{a}");
    let want = path_value(&[60_000.0, 40_000.0], 60_000.0, &a);
    assert!((got - want).abs() < 1e-6, "{got} != {want}");
    // To the end of 2025, the local year: P3 (23:30 on 31 December) is in, the
    // later ones are out.
    let v = app
        .as_owner()
        .get("/api/v1/analytics/lifetime-value?from=2025-07-01&to=2025-12-31")
        .await;
    let (a, got) = value_of(&v.body);
    let want = path_value(&[60_000.0], 60_000.0, &a);
    assert!((got - want).abs() < 1e-6, "{got} != {want}");
    // The dashboard reads the years only when it leads with the revenue path.
    let dash = app
        .as_owner()
        .get(&format!("/api/v1/analytics/dashboard?{H1}"))
        .await;
    assert_eq!(dash.status, 200, "{dash:?}");
    assert_eq!(dash["value"]["assumptions"]["yearly_trend"], Value::Null);
    assert_eq!(dash["value"]["segments"][0]["discounted_path"], Value::Null);
    let r = app
        .as_owner()
        .send(
            "PUT",
            "/api/v1/settings",
            Some({
                let mut settings = app.as_owner().get("/api/v1/settings").await["settings"].clone();
                settings["analytics"]["ltv_model"] = json!("discounted_path");
                settings.to_string()
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let dash = app
        .as_owner()
        .get(&format!("/api/v1/analytics/dashboard?{H1}"))
        .await;
    let (_, led) = value_of(&dash["value"]);
    assert_eq!(dash["value"]["model"], "discounted_path");
    let (_, in_report) = value_of(
        &app.as_owner()
            .get(&format!("/api/v1/analytics/lifetime-value?{H1}"))
            .await
            .body,
    );
    assert!((led - in_report).abs() < 1e-6, "{led} != {in_report}");
}
