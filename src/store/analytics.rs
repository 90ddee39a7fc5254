//! The sums behind the analytics, in SQL both backends run. Each query adds up
//! in the database and hands back few rows (per customer, per hour, per
//! engineer); `core::analytics` turns them into rates and values.
//!
//! Times are grouped by UTC hour (`2026-03-04 10`), which the caller places in
//! the company's local days, weekdays and months, daylight saving included.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};

use serde::{Deserialize, Serialize};

use super::rollups::kept;
pub use super::sql::Sql;
use super::DbConnection;
use crate::core::analytics::customers::{ledger_at, Ledger, Since, Totals};
use crate::core::analytics::segment::SegmentRule;
use crate::core::analytics::Period;
use crate::core::customer::Segment;
use crate::error::AppError;
use crate::store::page::contains_pattern;

/// Whom a report covers. Customer conditions (segment, city, equipment kind,
/// a saved segment) pick customers; the manager picks the orders they opened,
/// the engineer the orders and visits they worked on.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub segment: Option<Segment>,
    pub city: Option<String>,
    pub equipment_kind: Option<String>,
    pub manager_id: Option<String>,
    pub engineer_id: Option<String>,
    pub rule: Option<SegmentRule>,
}

impl Scope {
    /// Whether the report covers the whole company (its sums can be kept).
    pub(super) fn is_everyone(&self) -> bool {
        !self.needs_orders() && self.engineer_id.is_none()
    }

    /// Whether a visit must be joined to its order to apply the scope.
    fn needs_orders(&self) -> bool {
        self.segment.is_some()
            || self.city.is_some()
            || self.equipment_kind.is_some()
            || self.manager_id.is_some()
            || self.rule.is_some()
    }
}

impl Sql {
    /// ` FROM visits v`, joined to the order `w` only when the scope asks about it.
    fn visits_from(&mut self, scope: &Scope) -> &mut Sql {
        if scope.needs_orders() {
            self.push(" FROM visits v JOIN work_orders w ON w.id = v.work_order_id")
        } else {
            self.push(" FROM visits v")
        }
    }

    /// ` AND {customer} IN (…)` for each customer condition of the scope.
    pub(super) fn customers_in(
        &mut self,
        customer: &str,
        scope: &Scope,
        now: NaiveDateTime,
    ) -> &mut Sql {
        let rule = SegmentRule {
            segment: scope.segment,
            city: scope.city.clone(),
            equipment_kind: scope.equipment_kind.clone(),
            ..Default::default()
        };
        self.rule(customer, &rule, now);
        if let Some(r) = &scope.rule {
            self.rule(customer, r, now);
        }
        self
    }

    /// ` AND …` for each condition of a segment rule on the customer id column.
    pub fn rule(&mut self, customer: &str, r: &SegmentRule, now: NaiveDateTime) -> &mut Sql {
        if r.kind.is_some() || r.segment.is_some() || r.tag.is_some() {
            self.push(&format!(
                " AND {customer} IN (SELECT rc.id FROM customers rc WHERE 1 = 1"
            ));
            if let Some(k) = r.kind {
                self.push(" AND rc.kind = ").text(k.as_str());
            }
            if let Some(s) = r.segment {
                self.push(" AND rc.segment = ").text(s.as_str());
            }
            if let Some(t) = &r.tag {
                let quoted = serde_json::Value::String(t.clone()).to_string();
                self.push(" AND rc.tags LIKE ")
                    .text(&contains_pattern(&quoted))
                    .push(" ESCAPE '\\'");
            }
            self.push(")");
        }
        if let Some(city) = &r.city {
            self.push(&format!(
                " AND {customer} IN (SELECT rs.customer_id FROM sites rs WHERE lower(rs.city) = "
            ))
            .text(&city.to_lowercase())
            .push(")");
        }
        if r.equipment_kind.is_some() || r.equipment_model.is_some() {
            self.push(&format!(
                " AND {customer} IN (SELECT re.customer_id FROM equipment re WHERE re.archived_at IS NULL"
            ));
            if let Some(k) = &r.equipment_kind {
                self.push(" AND re.kind = ").text(k);
            }
            if let Some(m) = &r.equipment_model {
                self.push(" AND lower(re.model) LIKE ")
                    .text(&contains_pattern(m))
                    .push(" ESCAPE '\\'");
            }
            self.push(")");
        }
        let last_service = format!(
            "(SELECT MAX(rw.completed_at) FROM work_orders rw WHERE rw.customer_id = {customer})"
        );
        if let Some(m) = r.last_service_over_months {
            let cut = now - chrono::Months::new(m);
            self.push(&format!(" AND {last_service} < ")).time(cut);
        }
        if let Some(m) = r.last_service_within_months {
            let cut = now - chrono::Months::new(m);
            self.push(&format!(" AND {last_service} >= ")).time(cut);
        }
        if let Some(overdue) = r.maintenance_overdue {
            self.push(&format!(
                " AND {customer} {} (SELECT rp.customer_id FROM maintenance_plans rp \
                 WHERE rp.active = TRUE AND rp.next_due_on < ",
                if overdue { "IN" } else { "NOT IN" }
            ))
            .day(now.date())
            .push(")");
        }
        self
    }

    /// ` AND …` for the scope on a work order aliased `w`.
    pub(super) fn orders_in(&mut self, scope: &Scope, now: NaiveDateTime) -> &mut Sql {
        self.customers_in("w.customer_id", scope, now);
        if let Some(m) = &scope.manager_id {
            self.push(" AND w.created_by = ").text(m);
        }
        if let Some(e) = &scope.engineer_id {
            self.push(
                " AND EXISTS (SELECT 1 FROM visits ve WHERE ve.work_order_id = w.id AND ve.engineer_id = ",
            )
            .text(e)
            .push(")");
        }
        self
    }

    /// ` AND …` for the scope on a visit `v` of the work order `w`.
    fn visits_in(&mut self, scope: &Scope, now: NaiveDateTime) -> &mut Sql {
        self.customers_in("w.customer_id", scope, now);
        if let Some(m) = &scope.manager_id {
            self.push(" AND w.created_by = ").text(m);
        }
        if let Some(e) = &scope.engineer_id {
            self.push(" AND v.engineer_id = ").text(e);
        }
        self
    }

    /// ` AND column >= start AND column < end`.
    fn within(&mut self, column: &str, p: &Period) -> &mut Sql {
        self.push(&format!(" AND {column} >= "))
            .time(p.start)
            .push(&format!(" AND {column} < "))
            .time(p.end)
    }
}

#[derive(QueryableByName)]
struct LedgerRow {
    #[diesel(sql_type = Text)]
    customer_id: String,
    #[diesel(sql_type = Timestamp)]
    first_order: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    last_order: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    last_before_start: Option<NaiveDateTime>,
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    revenue: i64,
    #[diesel(sql_type = BigInt)]
    orders_in_period: i64,
    #[diesel(sql_type = BigInt)]
    revenue_in_period: i64,
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    key: String,
}

#[derive(QueryableByName)]
struct TotalsRow {
    #[diesel(sql_type = Text)]
    customer_id: String,
    #[diesel(sql_type = Timestamp)]
    first_order: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    last_order: NaiveDateTime,
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    revenue: i64,
    #[diesel(sql_type = BigInt)]
    since: i64,
    #[diesel(sql_type = BigInt)]
    in_period: i64,
    #[diesel(sql_type = BigInt)]
    revenue_in_period: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    last_in_period: Option<NaiveDateTime>,
    #[diesel(sql_type = BigInt)]
    revenue_since: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    previous_from_start: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    previous_from_end: Option<NaiveDateTime>,
}

/// Each customer's completed orders before the period's end (customers with
/// none are left out). Read from the kept customer totals and the orders
/// completed since the period began; orders picked by manager or engineer are
/// added up from the whole history instead.
pub fn ledger(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<Ledger>, AppError> {
    if scope.manager_id.is_some() || scope.engineer_id.is_some() {
        return ledger_from_history(conn, p, scope, now);
    }
    let b2b = business_customers(conn)?;
    let mut q = Sql::new(conn);
    let before_end = |q: &mut Sql, then: &str| {
        q.push(" CASE WHEN w.completed_at < ")
            .time(p.end)
            .push(&format!(" THEN {then} END"));
    };
    // Each customer's totals, beside their orders completed since the period
    // began (an index range per customer, in customer order: nothing to sort).
    q.push("SELECT t.customer_id AS customer_id, MIN(t.first_completed_at) AS first_order, \
            MIN(t.last_completed_at) AS last_order, MIN(t.orders) AS orders, MIN(t.revenue) AS revenue, \
            COUNT(w.customer_id) AS since, COUNT(");
    before_end(&mut q, "1");
    q.push(") AS in_period, CAST(COALESCE(SUM(");
    before_end(&mut q, "w.total");
    q.push("), 0) AS BIGINT) AS revenue_in_period, MAX(");
    before_end(&mut q, "w.completed_at");
    q.push(
        ") AS last_in_period, CAST(COALESCE(SUM(w.total), 0) AS BIGINT) AS revenue_since, \
            MIN(w.previous_completed_at) AS previous_from_start, MIN(CASE WHEN w.completed_at >= ",
    )
    .time(p.end)
    .push(
        " THEN w.previous_completed_at END) AS previous_from_end FROM customer_totals t \
               LEFT JOIN work_orders w ON w.customer_id = t.customer_id AND w.completed_at >= ",
    )
    .time(p.start)
    .push(" WHERE t.first_completed_at < ")
    .time(p.end)
    .customers_in("t.customer_id", scope, now)
    .push(" GROUP BY t.customer_id");
    Ok(q.load::<TotalsRow>(conn)?
        .into_iter()
        .filter_map(|r| {
            let since = (r.since > 0).then(|| Since {
                in_period: r.in_period,
                revenue_in_period: r.revenue_in_period,
                last_in_period: r.last_in_period,
                after: r.since - r.in_period,
                revenue_after: r.revenue_since - r.revenue_in_period,
                previous_from_start: r.previous_from_start,
                previous_from_end: r.previous_from_end,
            });
            let totals = Totals {
                segment: segment_of(&b2b, &r.customer_id),
                customer_id: r.customer_id,
                first_order: r.first_order,
                last_order: r.last_order,
                orders: r.orders,
                revenue: r.revenue,
            };
            ledger_at(totals, since.as_ref(), p)
        })
        .collect())
}

/// The ids of customers who are businesses (few beside private ones).
fn business_customers(conn: &mut DbConnection) -> Result<HashSet<String>, AppError> {
    let mut q = Sql::new(conn);
    q.push("SELECT id AS key FROM customers WHERE segment <> 'b2c'");
    Ok(q.load::<KeyRow>(conn)?.into_iter().map(|r| r.key).collect())
}

fn segment_of(b2b: &HashSet<String>, customer_id: &str) -> String {
    if b2b.contains(customer_id) {
        "b2b"
    } else {
        "b2c"
    }
    .to_owned()
}

/// The ledger added up from every completed order (for order-level filters).
fn ledger_from_history(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<Ledger>, AppError> {
    let mut q = Sql::new(conn);
    q.push("SELECT w.customer_id AS customer_id, MIN(w.completed_at) AS first_order, MAX(w.completed_at) AS last_order, MAX(CASE WHEN w.completed_at < ")
        .time(p.start)
        .push(" THEN w.completed_at END) AS last_before_start, COUNT(*) AS orders, CAST(SUM(w.total) AS BIGINT) AS revenue, CAST(SUM(CASE WHEN w.completed_at >= ")
        .time(p.start)
        .push(" THEN 1 ELSE 0 END) AS BIGINT) AS orders_in_period, CAST(SUM(CASE WHEN w.completed_at >= ")
        .time(p.start)
        .push(" THEN w.total ELSE 0 END) AS BIGINT) AS revenue_in_period FROM work_orders w WHERE w.completed_at < ")
        .time(p.end);
    q.orders_in(scope, now).push(" GROUP BY w.customer_id");
    let rows: Vec<LedgerRow> = q.load(conn)?;
    let b2b = business_customers(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Ledger {
            segment: segment_of(&b2b, &r.customer_id),
            customer_id: r.customer_id,
            first_order: r.first_order,
            last_order: r.last_order,
            last_before_start: r.last_before_start,
            orders: r.orders,
            revenue: r.revenue,
            orders_in_period: r.orders_in_period,
            revenue_in_period: r.revenue_in_period,
        })
        .collect())
}

/// Customers with an active plan past its due date at `day` and no open order.
pub fn overdue_customers(
    conn: &mut DbConnection,
    day: NaiveDate,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<HashSet<String>, AppError> {
    let mut q = Sql::new(conn);
    q.push("SELECT DISTINCT p.customer_id AS key FROM maintenance_plans p WHERE p.active = TRUE AND p.next_due_on < ")
        .day(day)
        .push(" AND p.customer_id NOT IN (SELECT o.customer_id FROM work_orders o WHERE o.status IN ('new', 'agreed', 'scheduling', 'scheduled', 'en_route', 'on_site', 'postponed'))");
    q.customers_in("p.customer_id", scope, now);
    Ok(q.load::<KeyRow>(conn)?.into_iter().map(|r| r.key).collect())
}

/// Orders and revenue of one hour and one kind.
#[derive(Debug, Clone, QueryableByName, Serialize, Deserialize)]
pub struct HourTotal {
    /// `2026-03-04 10`, UTC.
    #[diesel(sql_type = Text)]
    pub hour: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    #[diesel(sql_type = BigInt)]
    pub amount: i64,
}

/// What can be counted by the hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Orders completed, with their revenue, by kind.
    Completed,
    /// Orders opened.
    Created,
    /// Visits booked to start (cancelled ones left out).
    Visits,
}

/// Counts (and revenue) by UTC hour over the period.
fn by_hour_in(
    conn: &mut DbConnection,
    what: Counted,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<HourTotal>, AppError> {
    let mut q = Sql::new(conn);
    match what {
        Counted::Completed | Counted::Created => {
            let column = if what == Counted::Completed {
                "w.completed_at"
            } else {
                "w.created_at"
            };
            let hour = q.hour(column);
            q.push(&format!("SELECT {hour} AS hour, w.kind AS kind, COUNT(*) AS count, CAST(SUM(w.total) AS BIGINT) AS amount FROM work_orders w WHERE 1 = 1"))
                .within(column, p)
                .orders_in(scope, now)
                .push(" GROUP BY 1, 2");
        }
        Counted::Visits => {
            let hour = q.hour("v.planned_start");
            q.push(&format!("SELECT {hour} AS hour, 'visit' AS kind, COUNT(*) AS count, CAST(0 AS BIGINT) AS amount"))
                .visits_from(scope)
                .push(" WHERE v.status <> 'cancelled'")
                .within("v.planned_start", p)
                .visits_in(scope, now)
                .push(" GROUP BY 1, 2");
        }
    }
    q.load(conn)
}

/// A dimension orders are broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    City,
    Manager,
    Engineer,
}

/// Orders completed and their revenue for one city, manager or engineer.
#[derive(Debug, Clone, QueryableByName, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Breakdown {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = BigInt)]
    pub completed: i64,
    #[diesel(sql_type = BigInt)]
    pub revenue: i64,
}

/// Completed orders and revenue by city (of the site), manager (who opened the
/// order) or engineer (who did the visit that finished it).
fn breakdown_in(
    conn: &mut DbConnection,
    by: Dimension,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<Breakdown>, AppError> {
    let mut q = Sql::new(conn);
    if by == Dimension::City {
        // Orders are added up per site first, so each site is looked up once.
        q.push("SELECT lower(s.city) AS key, MIN(s.city) AS label, CAST(SUM(x.n) AS BIGINT) AS completed, \
                CAST(SUM(x.t) AS BIGINT) AS revenue FROM (SELECT w.site_id AS site_id, COUNT(*) AS n, SUM(w.total) AS t \
                FROM work_orders w WHERE 1 = 1")
            .within("w.completed_at", p)
            .orders_in(scope, now)
            .push(" GROUP BY w.site_id) x JOIN sites s ON s.id = x.site_id GROUP BY 1 ORDER BY 4 DESC");
        return q.load(conn);
    }
    let (key, label, join) = match by {
        Dimension::Manager => (
            "COALESCE(w.created_by, '')",
            "COALESCE(MIN(u.name), '')",
            " LEFT JOIN users u ON u.id = w.created_by",
        ),
        Dimension::Engineer | Dimension::City => (
            "v.engineer_id",
            "MIN(u.name)",
            " JOIN visits v ON v.work_order_id = w.id AND v.outcome = 'done' JOIN users u ON u.id = v.engineer_id",
        ),
    };
    q.push(&format!("SELECT {key} AS key, {label} AS label, COUNT(*) AS completed, CAST(SUM(w.total) AS BIGINT) AS revenue FROM work_orders w{join} WHERE 1 = 1"))
        .within("w.completed_at", p)
        .orders_in(scope, now)
        .push(" GROUP BY 1 ORDER BY 4 DESC");
    q.load(conn)
}

#[derive(QueryableByName)]
struct Funnel4 {
    #[diesel(sql_type = BigInt)]
    reminders: i64,
    #[diesel(sql_type = BigInt)]
    agreed: i64,
    #[diesel(sql_type = BigInt)]
    scheduled: i64,
    #[diesel(sql_type = BigInt)]
    done: i64,
}

/// A value and how often it occurs.
#[derive(Debug, Clone, QueryableByName, Serialize, Deserialize)]
pub struct Count {
    #[diesel(sql_type = BigInt)]
    pub value: i64,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// The steps of the funnel, for the durations between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reminder written → order agreed.
    ToAgreed,
    /// Agreed → visit booked.
    ToScheduled,
    /// Booked → work done.
    ToDone,
}

fn funnel_from(q: &mut Sql, p: &Period, scope: &Scope, now: NaiveDateTime) {
    q.push(
        " FROM reminders r LEFT JOIN work_orders w ON w.id = r.converted_work_order_id WHERE 1 = 1",
    )
    .within("r.created_at", p)
    .customers_in("r.customer_id", scope, now);
}

/// Reminders written in the period, and how many of them reached each step.
fn funnel_counts_in(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<[i64; 4]>, AppError> {
    let mut q = Sql::new(conn);
    q.push("SELECT COUNT(*) AS reminders, COUNT(w.agreed_at) AS agreed, COUNT(w.scheduled_at) AS scheduled, COUNT(w.completed_at) AS done");
    funnel_from(&mut q, p, scope, now);
    let row = q.load::<Funnel4>(conn)?.into_iter().next();
    Ok(row
        .map(|r| [r.reminders, r.agreed, r.scheduled, r.done])
        .into_iter()
        .collect())
}

/// Whole hours one step took, as a histogram.
fn funnel_hours_in(
    conn: &mut DbConnection,
    step: Step,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<Count>, AppError> {
    let (a, b) = match step {
        Step::ToAgreed => ("r.created_at", "w.agreed_at"),
        Step::ToScheduled => ("w.agreed_at", "w.scheduled_at"),
        Step::ToDone => ("w.scheduled_at", "w.completed_at"),
    };
    let mut q = Sql::new(conn);
    let hours = q.hours(a, b);
    q.push(&format!("SELECT {hours} AS value, COUNT(*) AS count"));
    funnel_from(&mut q, p, scope, now);
    q.push(&format!(
        " AND {b} IS NOT NULL AND {a} IS NOT NULL GROUP BY 1"
    ));
    q.load(conn)
}

/// Ratings of visits in one hour, by engineer and kind of order.
#[derive(Debug, Clone, QueryableByName, Serialize, Deserialize)]
pub struct RatingCount {
    #[diesel(sql_type = Text)]
    pub engineer_id: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub hour: String,
    #[diesel(sql_type = BigInt)]
    pub rating: i64,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// The customers' ratings of visits booked in the period.
fn ratings_in(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<RatingCount>, AppError> {
    let mut q = Sql::new(conn);
    let hour = q.hour("v.planned_start");
    q.push(&format!("SELECT v.engineer_id AS engineer_id, w.kind AS kind, {hour} AS hour, CAST(v.customer_rating AS BIGINT) AS rating, COUNT(*) AS count FROM visits v JOIN work_orders w ON w.id = v.work_order_id WHERE v.customer_rating IS NOT NULL"))
        .within("v.planned_start", p)
        .visits_in(scope, now)
        .push(" GROUP BY 1, 2, 3, 4");
    q.load(conn)
}

/// Survey answers of one hour and one score.
#[derive(Debug, Clone, QueryableByName)]
pub struct ScoreCount {
    #[diesel(sql_type = Text)]
    pub hour: String,
    #[diesel(sql_type = BigInt)]
    pub score: i64,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// "Would you recommend us" answers given in the period.
pub fn survey_answers(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<ScoreCount>, AppError> {
    let mut q = Sql::new(conn);
    let hour = q.hour("s.answered_at");
    q.push(&format!("SELECT {hour} AS hour, CAST(s.score AS BIGINT) AS score, COUNT(*) AS count FROM surveys s WHERE s.score IS NOT NULL"))
        .within("s.answered_at", p)
        .customers_in("s.customer_id", scope, now)
        .push(" GROUP BY 1, 2");
    q.load(conn)
}

/// Survey questions sent in the period.
pub fn surveys_asked(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let mut q = Sql::new(conn);
    q.push("SELECT CAST(0 AS BIGINT) AS value, COUNT(*) AS count FROM surveys s WHERE 1 = 1")
        .within("s.asked_at", p)
        .customers_in("s.customer_id", scope, now);
    Ok(q.load::<Count>(conn)?.first().map(|c| c.count).unwrap_or(0))
}

/// One engineer's finished visits that started in one hour.
#[derive(Debug, Clone, QueryableByName)]
struct VisitHour {
    #[diesel(sql_type = Text)]
    pub engineer_id: String,
    #[diesel(sql_type = Text)]
    pub hour: String,
    #[diesel(sql_type = BigInt)]
    pub visits: i64,
    #[diesel(sql_type = BigInt)]
    pub arrived: i64,
    #[diesel(sql_type = BigInt)]
    pub on_time: i64,
    #[diesel(sql_type = BigInt)]
    pub no_access: i64,
    #[diesel(sql_type = Double)]
    pub on_site_seconds: f64,
}

/// Finished visits booked in the period, by engineer and hour.
fn visit_hours_in(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<VisitHour>, AppError> {
    let mut q = Sql::new(conn);
    let hour = q.hour("v.planned_start");
    let on_site = q.seconds("v.arrived_at", "v.finished_at");
    q.push(&format!(
        "SELECT v.engineer_id AS engineer_id, {hour} AS hour, COUNT(*) AS visits, COUNT(v.arrived_at) AS arrived, \
         CAST(SUM(CASE WHEN v.arrived_at >= v.planned_start AND v.arrived_at <= v.planned_end THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
         CAST(SUM(CASE WHEN v.outcome = 'no_access' THEN 1 ELSE 0 END) AS BIGINT) AS no_access, \
         CAST(COALESCE(SUM(CASE WHEN v.arrived_at IS NOT NULL AND v.finished_at IS NOT NULL THEN {on_site} ELSE 0 END), 0) AS DOUBLE PRECISION) AS on_site_seconds"
    ))
    .visits_from(scope)
    .push(" WHERE v.status = 'finished'")
    .within("v.planned_start", p)
    .visits_in(scope, now)
    .push(" GROUP BY 1, 2");
    q.load(conn)
}

#[derive(QueryableByName)]
struct Pair {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    first: String,
    #[diesel(sql_type = Text)]
    second: String,
    #[diesel(sql_type = BigInt)]
    visits: i64,
}

/// First-time fix counts: orders completed in the period, those on a single
/// visit, and those of them followed within 30 days by another order for the
/// same equipment.
fn first_time_fix_in(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<[i64; 3]>, AppError> {
    let single = "(SELECT COUNT(*) FROM visits sv WHERE sv.work_order_id = w.id AND sv.status = 'finished') = 1";
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT CAST(CASE WHEN {single} THEN 1 ELSE 0 END AS BIGINT) AS value, COUNT(*) AS count FROM work_orders w WHERE 1 = 1"))
        .within("w.completed_at", p)
        .orders_in(scope, now)
        .push(" GROUP BY 1");
    let counts: Vec<Count> = q.load(conn)?;
    let done: i64 = counts.iter().map(|c| c.count).sum();
    let single_visit: i64 = counts
        .iter()
        .filter(|c| c.value == 1)
        .map(|c| c.count)
        .sum();

    let mut q = Sql::new(conn);
    let later = q.plus_days("w.completed_at", 30);
    q.push(&format!(
        "SELECT w.id AS id, w.equipment_ids AS first, b.equipment_ids AS second, \
         (SELECT COUNT(*) FROM visits sv WHERE sv.work_order_id = w.id AND sv.status = 'finished') AS visits FROM work_orders w \
         JOIN work_orders b ON b.site_id = w.site_id AND b.id <> w.id AND b.created_at > w.completed_at AND b.created_at <= {later} \
         AND b.status <> 'cancelled' WHERE 1 = 1"
    ))
    .within("w.completed_at", p)
    .orders_in(scope, now);
    let mut returned = HashSet::new();
    // Visits are counted for the pairs alone, not for every order of the period.
    for pair in q.load::<Pair>(conn)?.into_iter().filter(|p| p.visits == 1) {
        let a = super::json_list(&pair.first, "equipment", &pair.id)?;
        let b = super::json_list(&pair.second, "equipment", &pair.id)?;
        if crate::core::analytics::quality::same_equipment(&a, &b) {
            returned.insert(pair.id);
        }
    }
    Ok(vec![[done, single_visit, returned.len() as i64]])
}

/// Adds up equal-length count vectors.
fn sum<const N: usize>(parts: Vec<[i64; N]>) -> [i64; N] {
    parts.into_iter().fold([0; N], |mut total, part| {
        for (t, p) in total.iter_mut().zip(part) {
            *t += p;
        }
        total
    })
}

/// Counts (and revenue) by UTC hour over the period; settled days are kept.
pub fn by_hour(
    conn: &mut DbConnection,
    what: Counted,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<HourTotal>, AppError> {
    let name = format!("by_hour/{what:?}");
    kept(conn, &name, p, scope.is_everyone(), now, |c, p| {
        by_hour_in(c, what, p, scope, now)
    })
}

/// Completed orders and revenue by city, manager or engineer, largest revenue first.
pub fn breakdown(
    conn: &mut DbConnection,
    by: Dimension,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<Breakdown>, AppError> {
    let name = format!("breakdown/{by:?}");
    let parts = kept(conn, &name, p, scope.is_everyone(), now, |c, p| {
        breakdown_in(c, by, p, scope, now)
    })?;
    let mut merged: std::collections::BTreeMap<String, Breakdown> = Default::default();
    for b in parts {
        match merged.get_mut(&b.key) {
            Some(m) => {
                m.completed += b.completed;
                m.revenue += b.revenue;
            }
            None => {
                merged.insert(b.key.clone(), b);
            }
        }
    }
    let mut rows: Vec<Breakdown> = merged.into_values().collect();
    rows.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.key.cmp(&b.key)));
    Ok(rows)
}

/// Reminders written in the period, and how many of them reached each step.
pub fn funnel_counts(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<[i64; 4], AppError> {
    let parts = kept(conn, "funnel", p, scope.is_everyone(), now, |c, p| {
        funnel_counts_in(c, p, scope, now)
    })?;
    Ok(sum(parts))
}

/// Whole hours one step took, as a histogram (a value may come more than once).
pub fn funnel_hours(
    conn: &mut DbConnection,
    step: Step,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<Count>, AppError> {
    let name = format!("funnel_hours/{step:?}");
    kept(conn, &name, p, scope.is_everyone(), now, |c, p| {
        funnel_hours_in(c, step, p, scope, now)
    })
}

/// The customers' ratings of visits booked in the period.
pub fn ratings(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<RatingCount>, AppError> {
    kept(conn, "ratings", p, scope.is_everyone(), now, |c, p| {
        ratings_in(c, p, scope, now)
    })
}

/// One engineer's finished visits that started on one UTC day. The first and
/// last hour they started in name the local days worked: a UTC day spans at
/// most two local ones.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VisitDay {
    pub engineer_id: String,
    /// `2026-03-04 10`, UTC.
    pub first_hour: String,
    pub last_hour: String,
    pub visits: i64,
    pub arrived: i64,
    pub on_time: i64,
    pub no_access: i64,
    pub on_site_seconds: f64,
}

/// Hours of one engineer added up by UTC day.
fn by_day(hours: Vec<VisitHour>) -> Vec<VisitDay> {
    let mut days: std::collections::BTreeMap<(String, String), VisitDay> = Default::default();
    for h in hours {
        let day = h.hour.get(..10).unwrap_or(&h.hour).to_owned();
        let d = days
            .entry((h.engineer_id.clone(), day))
            .or_insert_with(|| VisitDay {
                engineer_id: h.engineer_id,
                first_hour: h.hour.clone(),
                last_hour: h.hour.clone(),
                visits: 0,
                arrived: 0,
                on_time: 0,
                no_access: 0,
                on_site_seconds: 0.0,
            });
        if h.hour < d.first_hour {
            d.first_hour.clone_from(&h.hour);
        }
        if h.hour > d.last_hour {
            d.last_hour = h.hour;
        }
        d.visits += h.visits;
        d.arrived += h.arrived;
        d.on_time += h.on_time;
        d.no_access += h.no_access;
        d.on_site_seconds += h.on_site_seconds;
    }
    days.into_values().collect()
}

/// Finished visits booked in the period, by engineer and UTC day.
pub fn visit_days(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<Vec<VisitDay>, AppError> {
    kept(conn, "visit_days", p, scope.is_everyone(), now, |c, p| {
        Ok(by_day(visit_hours_in(c, p, scope, now)?))
    })
}

/// First-time fix counts: orders completed in the period, those on a single
/// visit, and those of them followed within 30 days by another order for the
/// same equipment.
pub fn first_time_fix(
    conn: &mut DbConnection,
    p: &Period,
    scope: &Scope,
    now: NaiveDateTime,
) -> Result<(i64, i64, i64), AppError> {
    let parts = kept(
        conn,
        "first_time_fix",
        p,
        scope.is_everyone(),
        now,
        |c, p| first_time_fix_in(c, p, scope, now),
    )?;
    let [done, single, returned] = sum(parts);
    Ok((done, single, returned))
}
