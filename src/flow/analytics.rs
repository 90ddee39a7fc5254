//! The analytics reports: the database's sums (`store::analytics`) through the
//! formulas (`core::analytics`), for one period and one scope. The dashboard
//! runs the reports side by side, each on its own connection.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::Config;
use crate::core::analytics::customers::{cohorts, dynamics, Cohort, Dynamics, Ledger};
use crate::core::analytics::path::{path_of, yearly_trend};
use crate::core::analytics::quality::{
    first_time_fix, quality, shift_seconds, FirstTimeFix, Quality, VisitTotals,
};
use crate::core::analytics::stats::{csat, median, nps, ratio, Csat, Nps};
use crate::core::analytics::value::{
    average_lifespan, by_segment, customer_value, expected_lifetime, retention_of, rfm, rfm_cube,
    rfm_grid, yearly_churn, CustomerValue, RetentionValue, RfmCell, RfmClass, RfmCubeCell,
    RfmScore, SegmentValue, ValueInputs,
};
use crate::core::analytics::{local, month_key, parse_hour, AnalyticsSettings, LtvModel, Period};
use crate::core::customer::Segment;
use crate::core::ids;
use crate::error::AppError;
use crate::store::analytics::{self as sums, Breakdown, Counted, Dimension, Scope, Step};
use crate::store::schema::users;
use crate::store::{engineers, now, revenue_years, DbConnection, Pool};

/// The period and whom a report covers.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsQuery {
    /// The first local day (default: a year before `to`).
    pub from: Option<NaiveDate>,
    /// The last local day, included (default: today).
    pub to: Option<NaiveDate>,
    /// Customers of this market segment.
    pub segment: Option<Segment>,
    /// Customers with a site in this city (any case).
    pub city: Option<String>,
    /// Customers with equipment of this kind.
    pub equipment_kind: Option<String>,
    /// Orders this manager opened.
    pub manager_id: Option<String>,
    /// Orders and visits of this engineer.
    pub engineer_id: Option<String>,
    /// Customers of a saved segment.
    pub segment_id: Option<String>,
    /// `csv` for one table (`table`) as a spreadsheet.
    pub format: Option<String>,
    /// The table to export with `format=csv`.
    pub table: Option<String>,
}

/// Everything a report needs besides the database.
#[derive(Debug, Clone)]
pub struct Context {
    pub period: Period,
    pub scope: Scope,
    pub now: NaiveDateTime,
    pub tz: Tz,
    pub lost_after_months: u32,
    pub settings: AnalyticsSettings,
}

impl Context {
    /// Reads and checks the query; a bad value is a 400 naming it.
    pub fn resolve(
        conn: &mut DbConnection,
        q: &AnalyticsQuery,
        config: &Config,
    ) -> Result<Context, AppError> {
        let tz = config.timezone;
        let at = now();
        let today = local(at, tz).date_naive();
        // Figures stop at today: a customer active today is not churned by a
        // future `to`. The answer's `period.to` says where they stopped.
        let to = q.to.unwrap_or(today).min(today);
        if q.from.is_some_and(|f| f > today) {
            return Err(AppError::invalid(
                "from",
                "is in the future: there are no figures yet",
            ));
        }
        let from = match q.from {
            Some(f) => f,
            None => to
                .checked_sub_months(Months::new(12))
                .and_then(|d| d.succ_opt())
                .unwrap_or(to),
        };
        use crate::core::dates::{check_day, Span};
        check_day("from", from, today, Span::Any)?;
        check_day("to", to, today, Span::Any)?;
        let period = Period::new(from, to, tz)?;
        let id = |field: &str, v: &Option<String>| -> Result<Option<String>, AppError> {
            v.as_deref()
                .map(|s| {
                    ids::parse_id(s).ok_or_else(|| AppError::invalid(field, "is not a valid id"))
                })
                .transpose()
        };
        let words = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let rule = match id("segment_id", &q.segment_id)? {
            Some(s) => Some(
                crate::store::segments::find(conn, &crate::core::ids::typed(&s, "segment_id")?)?
                    .ok_or_else(|| AppError::invalid("segment_id", "no such segment"))?
                    .rule()?,
            ),
            None => None,
        };
        Ok(Context {
            period,
            scope: Scope {
                segment: q.segment,
                city: words(&q.city),
                equipment_kind: words(&q.equipment_kind),
                manager_id: id("manager_id", &q.manager_id)?,
                engineer_id: id("engineer_id", &q.engineer_id)?,
                rule,
            },
            now: at,
            tz,
            lost_after_months: config.lost_inactive_months,
            settings: config.analytics.clone(),
        })
    }
}

/// The period a report covers, as the caller asked for it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodView {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl From<&Period> for PeriodView {
    fn from(p: &Period) -> Self {
        PeriodView {
            from: p.from,
            to: p.to,
        }
    }
}

/// Customer dynamics and retention by cohort.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomersReport {
    pub period: PeriodView,
    /// Months without a completed order after which a customer is lost.
    pub lost_after_months: u32,
    pub dynamics: Dynamics,
    pub cohorts: Vec<Cohort>,
}

/// The customers' ledger and the overdue set, read once for the customer reports.
pub struct CustomerBase {
    pub ledgers: Vec<Ledger>,
    pub overdue: std::collections::HashSet<String>,
}

/// Reads what the customer reports share: the ledger and the overdue set side
/// by side, each on a connection of its own.
pub fn customer_base(pool: &Pool, cx: &Context) -> Result<CustomerBase, AppError> {
    let day = cx.period.to.min(local(cx.now, cx.tz).date_naive());
    let (ledgers, overdue) = rayon::join(
        || with(pool, |c| sums::ledger(c, &cx.period, &cx.scope, cx.now)),
        || with(pool, |c| sums::overdue_customers(c, day, &cx.scope, cx.now)),
    );
    Ok(CustomerBase {
        ledgers: ledgers?,
        overdue: overdue?,
    })
}

/// Orders completed in the period, by hour and kind: revenue and activity read them.
pub fn completed_hours(
    conn: &mut DbConnection,
    cx: &Context,
) -> Result<Vec<sums::HourTotal>, AppError> {
    sums::by_hour(conn, Counted::Completed, &cx.period, &cx.scope, cx.now)
}

/// Dynamics and cohorts from the customer base.
pub fn customers_report(base: &CustomerBase, cx: &Context) -> CustomersReport {
    CustomersReport {
        period: (&cx.period).into(),
        lost_after_months: cx.lost_after_months,
        dynamics: dynamics(
            &base.ledgers,
            &cx.period,
            cx.lost_after_months,
            &base.overdue,
        ),
        cohorts: cohorts(&base.ledgers, &cx.period, cx.tz),
    }
}

/// One month's revenue by kind of order.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RevenueMonth {
    pub month: String,
    pub orders: i64,
    pub service: i64,
    pub installation: i64,
    pub repair: i64,
    pub total: i64,
    /// Service revenue ÷ total.
    pub service_share: Option<f64>,
    pub installation_share: Option<f64>,
}

/// Revenue of orders completed in the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevenueReport {
    pub period: PeriodView,
    pub currency: String,
    /// Minor units.
    pub total: i64,
    pub orders: i64,
    /// Customers with a completed order in the period.
    pub customers: i64,
    pub average_order_value: Option<f64>,
    /// Orders per customer in the period.
    pub purchase_frequency: Option<f64>,
    pub months: Vec<RevenueMonth>,
}

/// Revenue by month and kind, from completed orders by the hour.
pub fn revenue_report(
    hours: &[sums::HourTotal],
    base: &CustomerBase,
    cx: &Context,
    currency: &str,
) -> RevenueReport {
    let mut months: BTreeMap<String, RevenueMonth> = BTreeMap::new();
    for h in hours {
        let Some(at) = parse_hour(&h.hour) else {
            continue;
        };
        let key = month_key(&local(at, cx.tz));
        let m = months.entry(key.clone()).or_default();
        m.month = key;
        m.orders += h.count;
        m.total += h.amount;
        match h.kind.as_str() {
            "installation" => m.installation += h.amount,
            "repair" => m.repair += h.amount,
            _ => m.service += h.amount,
        }
    }
    let months: Vec<RevenueMonth> = months
        .into_values()
        .map(|mut m| {
            m.service_share = ratio(m.service, m.total);
            m.installation_share = ratio(m.installation, m.total);
            m
        })
        .collect();
    let total: i64 = months.iter().map(|m| m.total).sum();
    let orders: i64 = months.iter().map(|m| m.orders).sum();
    let customers = base
        .ledgers
        .iter()
        .filter(|l| l.orders_in_period > 0)
        .count() as i64;
    RevenueReport {
        period: (&cx.period).into(),
        currency: currency.to_owned(),
        total,
        orders,
        customers,
        average_order_value: ratio(total, orders),
        purchase_frequency: ratio(orders, customers),
        months,
    }
}

/// The inputs the lifetime-value models ran with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ValueAssumptions {
    pub gross_margin: f64,
    pub discount_rate: f64,
    pub acquisition_cost: i64,
    /// Churn over the period, as a yearly rate.
    pub yearly_churn: Option<f64>,
    /// 1 ÷ yearly churn, capped; null when it cannot be estimated.
    pub expected_lifetime_years: Option<f64>,
    /// Why there is no expected lifetime (and so no value by the models that
    /// need one): "not enough data: …".
    pub lifetime_unknown: Option<String>,
    /// Observed: first order to last (lost) or to the period's end (active).
    pub average_lifespan_years: f64,
    /// Each segment's yearly trend, which projects the years ahead of the
    /// revenue path (`discounted_path`): next year's revenue ÷ this year's,
    /// over customers who bought in both of two consecutive full years. Null
    /// where the revenue path was not read: on the dashboard, unless it leads
    /// with `discounted_path` (the lifetime-value report always has it).
    pub yearly_trend: Option<BTreeMap<String, f64>>,
}

/// Lifetime value by segment, and the most valuable customers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ValueReport {
    pub period: PeriodView,
    /// The owner's chosen model.
    pub model: LtvModel,
    pub assumptions: ValueAssumptions,
    pub segments: Vec<SegmentValue>,
    /// Lifetime value from each segment's own retention by tenure year
    /// (`b2c`, `b2b`, `all`; a saved segment through `segment_id`; RFM groups
    /// in the RFM report).
    pub retention: Vec<RetentionValue>,
    /// The 20 most valuable customers by the chosen model, with their names.
    pub top: Vec<NamedValue>,
    /// Every customer (in the CSV export only).
    #[serde(skip)]
    pub customers: Vec<CustomerValue>,
}

/// A customer's value with the customer's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamedValue {
    pub name: String,
    #[serde(flatten)]
    pub value: CustomerValue,
}

/// Every customer's value by each model.
pub fn value_report(
    conn: &mut DbConnection,
    base: &CustomerBase,
    years: Option<&YearlyRevenue>,
    churn_rate: Option<f64>,
    cx: &Context,
) -> Result<ValueReport, AppError> {
    let yearly = churn_rate.map(|c| yearly_churn(c, cx.period.years()));
    let lifespan = average_lifespan(&base.ledgers, &cx.period, cx.lost_after_months);
    let inputs = ValueInputs::new(&cx.settings, cx.period.end, yearly, lifespan);
    let paths = years.map(|years| revenue_paths(base, years, cx));
    let customers: Vec<CustomerValue> = base
        .ledgers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let path = paths.as_ref().map(|(paths, trends)| {
                let trend = trends.get(&l.segment).copied().unwrap_or(1.0);
                (paths[i].as_slice(), trend)
            });
            customer_value(l, path, &inputs)
        })
        .collect();
    let model = cx.settings.ltv_model;
    let mut order: Vec<&CustomerValue> = customers.iter().collect();
    // With no lifetime to value by, the most valuable so far lead.
    let rank = |v: &CustomerValue| v.by(model).unwrap_or(v.historical);
    order.sort_by(|a, b| rank(b).total_cmp(&rank(a)));
    let top: Vec<CustomerValue> = order.into_iter().take(20).cloned().collect();
    let names = customer_names(conn, top.iter().map(|v| v.customer_id.clone()).collect())?;
    Ok(ValueReport {
        period: (&cx.period).into(),
        model,
        assumptions: ValueAssumptions {
            gross_margin: cx.settings.gross_margin,
            discount_rate: cx.settings.discount_rate,
            acquisition_cost: cx.settings.acquisition_cost,
            yearly_churn: yearly,
            expected_lifetime_years: expected_lifetime(yearly).ok(),
            lifetime_unknown: expected_lifetime(yearly).err().map(str::to_owned),
            average_lifespan_years: lifespan,
            yearly_trend: paths.map(|(_, trends)| trends),
        },
        segments: by_segment(&customers),
        retention: retention_by_segment(base, cx),
        top: top
            .into_iter()
            .map(|value| NamedValue {
                name: names.get(&value.customer_id).cloned().unwrap_or_default(),
                value,
            })
            .collect(),
        customers,
    })
}

/// Each customer's revenue by year, in the ledgers' order, and each segment's
/// yearly trend.
type Paths = (Vec<Vec<f64>>, BTreeMap<String, f64>);

/// Each customer's revenue by local calendar year up to the period's end, for
/// the revenue path of lifetime value; read beside the ledger, on a
/// connection of its own.
pub fn revenue_by_year(conn: &mut DbConnection, cx: &Context) -> Result<YearlyRevenue, AppError> {
    revenue_years::revenue_by_year(conn, &cx.period, &cx.scope, cx.now)
}

/// Each customer's revenue by year, by customer id.
pub type YearlyRevenue = HashMap<String, revenue_years::Years>;

/// Each customer's revenue path (as the ledgers go) and each segment's trend.
fn revenue_paths(base: &CustomerBase, years: &YearlyRevenue, cx: &Context) -> Paths {
    let last = local(cx.period.end - chrono::Duration::seconds(1), cx.tz).year();
    let none = revenue_years::Years::new();
    let paths: Vec<Vec<f64>> = base
        .ledgers
        .iter()
        .map(|l| path_of(years.get(&l.customer_id).unwrap_or(&none), last))
        .collect();
    let trends = ["b2b", "b2c"]
        .into_iter()
        .map(|segment| {
            let of = base
                .ledgers
                .iter()
                .zip(&paths)
                .filter(|(l, _)| l.segment == segment)
                .map(|(_, p)| p.as_slice());
            (segment.to_owned(), yearly_trend(of))
        })
        .collect();
    (paths, trends)
}

/// Retention values of the market segments, then of everyone.
fn retention_by_segment(base: &CustomerBase, cx: &Context) -> Vec<RetentionValue> {
    let margin = cx.settings.gross_margin;
    let mut out: Vec<RetentionValue> = ["b2b", "b2c"]
        .iter()
        .map(|segment| {
            let of: Vec<&Ledger> = base
                .ledgers
                .iter()
                .filter(|l| l.segment == *segment)
                .collect();
            retention_of(segment, &of, cx.period.end, margin)
        })
        .collect();
    let all: Vec<&Ledger> = base.ledgers.iter().collect();
    out.push(retention_of("all", &all, cx.period.end, margin));
    out
}

fn customer_names(
    conn: &mut DbConnection,
    ids: Vec<String>,
) -> Result<HashMap<String, String>, AppError> {
    use crate::store::schema::customers;
    Ok(customers::table
        .filter(customers::id.eq_any(ids))
        .select((customers::id, customers::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// Customers of one RFM class.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RfmClassCount {
    pub class: RfmClass,
    pub customers: i64,
    pub monetary_average: f64,
}

/// RFM scores in quintiles: the eleven groups, the recency × frequency grid
/// and the whole 5 × 5 × 5 cube.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RfmReport {
    pub period: PeriodView,
    pub classes: Vec<RfmClassCount>,
    pub grid: Vec<RfmCell>,
    /// Customers and revenue in each of the 125 cells, with the cell's group.
    pub cube: Vec<RfmCubeCell>,
    /// Lifetime value from each group's own retention by tenure year.
    pub retention: Vec<RetentionValue>,
    /// Every customer's scores (in the CSV export only).
    #[serde(skip)]
    pub customers: Vec<RfmScore>,
}

/// Scores the customers as of the period's end.
pub fn rfm_report(base: &CustomerBase, cx: &Context) -> RfmReport {
    let scores = rfm(&base.ledgers, cx.period.end);
    let classes = RfmClass::ALL
        .iter()
        .map(|class| {
            let of: Vec<&RfmScore> = scores.iter().filter(|s| s.class == *class).collect();
            RfmClassCount {
                class: *class,
                customers: of.len() as i64,
                monetary_average: ratio(of.iter().map(|s| s.monetary).sum(), of.len() as i64)
                    .unwrap_or(0.0),
            }
        })
        .collect();
    // `rfm` scores the ledgers in their order, so a score's ledger is at its index.
    let mut groups: Vec<Vec<&Ledger>> = vec![Vec::new(); RfmClass::ALL.len()];
    for (score, ledger) in scores.iter().zip(&base.ledgers) {
        if let Some(at) = RfmClass::ALL.iter().position(|c| *c == score.class) {
            groups[at].push(ledger);
        }
    }
    let retention = RfmClass::ALL
        .iter()
        .zip(&groups)
        .map(|(class, of)| {
            retention_of(class.as_str(), of, cx.period.end, cx.settings.gross_margin)
        })
        .collect();
    RfmReport {
        period: (&cx.period).into(),
        classes,
        grid: rfm_grid(&scores),
        cube: rfm_cube(&scores),
        retention,
        customers: scores,
    }
}

/// One step of the funnel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelStep {
    /// `reminders`, `agreed`, `scheduled`, `done`.
    pub step: String,
    pub count: i64,
    /// This step ÷ the one before.
    pub conversion: Option<f64>,
    /// This step ÷ reminders.
    pub overall: Option<f64>,
    /// Median hours from the step before.
    pub median_hours: Option<f64>,
}

/// Reminders written in the period, and how far they went.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelReport {
    pub period: PeriodView,
    pub steps: Vec<FunnelStep>,
}

/// The funnel of the period's reminders.
pub fn funnel_report(conn: &mut DbConnection, cx: &Context) -> Result<FunnelReport, AppError> {
    let counts = sums::funnel_counts(conn, &cx.period, &cx.scope, cx.now)?;
    let mut steps = Vec::new();
    let names = ["reminders", "agreed", "scheduled", "done"];
    let durations = [
        None,
        Some(Step::ToAgreed),
        Some(Step::ToScheduled),
        Some(Step::ToDone),
    ];
    for i in 0..4 {
        let median_hours = match durations[i] {
            Some(step) => {
                let h = sums::funnel_hours(conn, step, &cx.period, &cx.scope, cx.now)?;
                median(&h.iter().map(|c| (c.value, c.count)).collect::<Vec<_>>())
            }
            None => None,
        };
        steps.push(FunnelStep {
            step: names[i].to_owned(),
            count: counts[i],
            conversion: (i > 0).then(|| ratio(counts[i], counts[i - 1])).flatten(),
            overall: ratio(counts[i], counts[0]),
            median_hours,
        });
    }
    Ok(FunnelReport {
        period: (&cx.period).into(),
        steps,
    })
}

/// CSAT of a group: an engineer, a kind of order, a month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CsatGroup {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub csat: Csat,
}

/// NPS of one month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NpsMonth {
    pub month: String,
    #[serde(flatten)]
    pub nps: Nps,
}

/// The customers' view: visit ratings (CSAT) and "would you recommend us" (NPS).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SatisfactionReport {
    pub period: PeriodView,
    pub csat: Csat,
    pub by_engineer: Vec<CsatGroup>,
    pub by_kind: Vec<CsatGroup>,
    pub by_month: Vec<CsatGroup>,
    pub nps: Nps,
    /// Questions sent in the period.
    pub surveys_sent: i64,
    pub nps_by_month: Vec<NpsMonth>,
}

fn user_names(conn: &mut DbConnection) -> Result<HashMap<String, String>, AppError> {
    Ok(users::table
        .select((users::id, users::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// CSAT and NPS of the period.
pub fn satisfaction_report(
    conn: &mut DbConnection,
    cx: &Context,
) -> Result<SatisfactionReport, AppError> {
    let ratings = sums::ratings(conn, &cx.period, &cx.scope, cx.now)?;
    let names = user_names(conn)?;
    let mut all = Vec::new();
    let mut engineer: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    let mut kind: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    let mut month: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for r in &ratings {
        let pair = (r.rating, r.count);
        all.push(pair);
        engineer
            .entry(r.engineer_id.clone())
            .or_default()
            .push(pair);
        kind.entry(r.kind.clone()).or_default().push(pair);
        if let Some(at) = parse_hour(&r.hour) {
            month
                .entry(month_key(&local(at, cx.tz)))
                .or_default()
                .push(pair);
        }
    }
    let group = |m: BTreeMap<String, Vec<(i64, i64)>>, label: &dyn Fn(&str) -> String| {
        m.into_iter()
            .map(|(key, pairs)| CsatGroup {
                label: label(&key),
                key,
                csat: csat(&pairs),
            })
            .collect::<Vec<_>>()
    };
    let answers = sums::survey_answers(conn, &cx.period, &cx.scope, cx.now)?;
    let mut nps_months: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for a in &answers {
        if let Some(at) = parse_hour(&a.hour) {
            nps_months
                .entry(month_key(&local(at, cx.tz)))
                .or_default()
                .push((a.score, a.count));
        }
    }
    Ok(SatisfactionReport {
        period: (&cx.period).into(),
        csat: csat(&all),
        by_engineer: group(engineer, &|id| names.get(id).cloned().unwrap_or_default()),
        by_kind: group(kind, &|k| k.to_owned()),
        by_month: group(month, &|m| m.to_owned()),
        nps: nps(&answers
            .iter()
            .map(|a| (a.score, a.count))
            .collect::<Vec<_>>()),
        surveys_sent: sums::surveys_asked(conn, &cx.period, &cx.scope, cx.now)?,
        nps_by_month: nps_months
            .into_iter()
            .map(|(month, pairs)| NpsMonth {
                month,
                nps: nps(&pairs),
            })
            .collect(),
    })
}

/// Orders opened, visits booked and revenue in one local weekday and hour.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ActivityCell {
    /// 1 is Monday, 7 Sunday.
    pub weekday: u32,
    /// 0 to 23, local.
    pub hour: u32,
    pub orders: i64,
    pub visits: i64,
    /// Revenue of orders completed then.
    pub revenue: i64,
}

/// When demand comes and who brings revenue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityReport {
    pub period: PeriodView,
    pub by_weekday_hour: Vec<ActivityCell>,
    pub by_city: Vec<Breakdown>,
    pub by_manager: Vec<Breakdown>,
    pub by_engineer: Vec<Breakdown>,
}

/// Activity patterns of the period.
pub fn activity_report(
    conn: &mut DbConnection,
    completed: &[sums::HourTotal],
    cx: &Context,
) -> Result<ActivityReport, AppError> {
    let created = sums::by_hour(conn, Counted::Created, &cx.period, &cx.scope, cx.now)?;
    let visits = sums::by_hour(conn, Counted::Visits, &cx.period, &cx.scope, cx.now)?;
    let mut cells: BTreeMap<(u32, u32), ActivityCell> = BTreeMap::new();
    let mut add = |rows: &[sums::HourTotal], f: &dyn Fn(&mut ActivityCell, &sums::HourTotal)| {
        for r in rows {
            if let Some(at) = parse_hour(&r.hour) {
                let t = local(at, cx.tz);
                let key = (t.weekday().number_from_monday(), t.hour());
                let cell = cells.entry(key).or_insert_with(|| ActivityCell {
                    weekday: key.0,
                    hour: key.1,
                    ..Default::default()
                });
                f(cell, r);
            }
        }
    };
    add(&created, &|c, r| c.orders += r.count);
    add(&visits, &|c, r| c.visits += r.count);
    add(completed, &|c, r| c.revenue += r.amount);
    let by = |conn: &mut DbConnection, d| sums::breakdown(conn, d, &cx.period, &cx.scope, cx.now);
    Ok(ActivityReport {
        period: (&cx.period).into(),
        by_weekday_hour: cells.into_values().collect(),
        by_city: by(conn, Dimension::City)?,
        by_manager: by(conn, Dimension::Manager)?,
        by_engineer: by(conn, Dimension::Engineer)?,
    })
}

/// One engineer's field quality.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EngineerQuality {
    pub engineer_id: String,
    pub name: String,
    #[serde(flatten)]
    pub quality: Quality,
}

/// Field quality of the team and of each engineer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QualityReport {
    pub period: PeriodView,
    pub team: Quality,
    pub first_time_fix: FirstTimeFix,
    pub engineers: Vec<EngineerQuality>,
}

/// Field quality of the period's finished visits; shift time counts the days
/// of the period up to today.
pub fn quality_report(conn: &mut DbConnection, cx: &Context) -> Result<QualityReport, AppError> {
    let hours = sums::visit_days(conn, &cx.period, &cx.scope, cx.now)?;
    let mut totals: BTreeMap<String, (VisitTotals, std::collections::HashSet<NaiveDate>)> =
        BTreeMap::new();
    for h in &hours {
        let (t, days) = totals.entry(h.engineer_id.clone()).or_default();
        t.visits += h.visits;
        t.arrived += h.arrived;
        t.on_time += h.on_time;
        t.no_access += h.no_access;
        t.on_site_seconds += h.on_site_seconds;
        for hour in [&h.first_hour, &h.last_hour] {
            if let Some(at) = parse_hour(hour) {
                days.insert(local(at, cx.tz).date_naive());
            }
        }
    }
    let last_day = cx.period.to.min(local(cx.now, cx.tz).date_naive());
    let mut team = VisitTotals::default();
    let mut team_shift = 0.0;
    let mut engineers = Vec::new();
    for (id, name, profile) in engineers::active(conn)? {
        if cx.scope.engineer_id.as_ref().is_some_and(|e| *e != id) {
            continue;
        }
        let (mut t, days) = totals.remove(id.as_str()).unwrap_or_default();
        t.days_worked = days.len() as i64;
        let shift = profile
            .map(|p| shift_seconds(&p, cx.period.from, last_day))
            .unwrap_or(0.0);
        team.visits += t.visits;
        team.arrived += t.arrived;
        team.on_time += t.on_time;
        team.no_access += t.no_access;
        team.on_site_seconds += t.on_site_seconds;
        team.days_worked += t.days_worked;
        team_shift += shift;
        engineers.push(EngineerQuality {
            engineer_id: id.into_string(),
            name,
            quality: quality(&t, shift),
        });
    }
    let (done, single, returned) = sums::first_time_fix(conn, &cx.period, &cx.scope, cx.now)?;
    Ok(QualityReport {
        period: (&cx.period).into(),
        team: quality(&team, team_shift),
        first_time_fix: first_time_fix(done, single, returned),
        engineers,
    })
}

/// Every report of the dashboard, with the milliseconds each took.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub period: PeriodView,
    pub customers: CustomersReport,
    pub revenue: RevenueReport,
    pub value: ValueReport,
    pub rfm: RfmReport,
    pub funnel: FunnelReport,
    pub satisfaction: SatisfactionReport,
    pub activity: ActivityReport,
    pub quality: QualityReport,
    /// Milliseconds per part, and `total`.
    pub timings: BTreeMap<String, f64>,
}

fn timed<T>(
    name: &str,
    times: &std::sync::Mutex<BTreeMap<String, f64>>,
    f: impl FnOnce() -> Result<T, AppError>,
) -> Result<T, AppError> {
    let started = Instant::now();
    let out = f();
    if let Ok(mut t) = times.lock() {
        t.insert(name.to_owned(), started.elapsed().as_secs_f64() * 1000.0);
    }
    out
}

/// Runs `f` on a connection of its own from the pool.
pub fn with<T>(
    pool: &Pool,
    f: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let mut conn = pool.get()?;
    f(&mut conn)
}

/// The whole dashboard: the customer ledger and the other reports' queries run
/// side by side on their own connections.
pub fn dashboard(pool: &Pool, cx: &Context, currency: &str) -> Result<Dashboard, AppError> {
    let started = Instant::now();
    let times = std::sync::Mutex::new(BTreeMap::new());
    let t = &times;
    let ((base, (completed, years)), ((funnel, satisfaction), quality)) = rayon::join(
        || {
            rayon::join(
                || timed("customer_ledger", t, || customer_base(pool, cx)),
                || {
                    rayon::join(
                        || {
                            timed("completed_by_hour", t, || {
                                with(pool, |c| completed_hours(c, cx))
                            })
                        },
                        || {
                            // Each customer's years cost as much as the ledger
                            // again: read only when the dashboard leads with them.
                            (cx.settings.ltv_model == LtvModel::DiscountedPath)
                                .then(|| {
                                    timed("revenue_by_year", t, || {
                                        with(pool, |c| revenue_by_year(c, cx))
                                    })
                                })
                                .transpose()
                        },
                    )
                },
            )
        },
        || {
            rayon::join(
                || {
                    rayon::join(
                        || timed("funnel", t, || with(pool, |c| funnel_report(c, cx))),
                        || {
                            timed("satisfaction", t, || {
                                with(pool, |c| satisfaction_report(c, cx))
                            })
                        },
                    )
                },
                || timed("quality", t, || with(pool, |c| quality_report(c, cx))),
            )
        },
    );
    let (base, completed, years) = (base?, completed?, years?);
    let (activity, value) = rayon::join(
        || {
            timed("activity", t, || {
                with(pool, |c| activity_report(c, &completed, cx))
            })
        },
        || {
            timed("value_and_rfm", t, || {
                let customers = customers_report(&base, cx);
                let value = with(pool, |c| {
                    value_report(c, &base, years.as_ref(), customers.dynamics.churn_rate, cx)
                })?;
                Ok((customers, value, rfm_report(&base, cx)))
            })
        },
    );
    let (customers, value, rfm) = value?;
    let revenue = revenue_report(&completed, &base, cx, currency);
    let mut timings = times.into_inner().unwrap_or_default();
    timings.insert("total".into(), started.elapsed().as_secs_f64() * 1000.0);
    Ok(Dashboard {
        period: (&cx.period).into(),
        customers,
        revenue,
        value,
        rfm,
        funnel: funnel?,
        satisfaction: satisfaction?,
        activity: activity?,
        quality: quality?,
        timings,
    })
}

/// A report's tables, each exportable as CSV by name.
pub trait Tables {
    /// `(name, rows)`, the first being the default export.
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)>;
}

pub(crate) fn rows<T: Serialize>(items: &[T]) -> Vec<serde_json::Value> {
    items
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok())
        .collect()
}

fn one<T: Serialize>(item: &T) -> Vec<serde_json::Value> {
    serde_json::to_value(item).into_iter().collect()
}

impl Tables for CustomersReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![
            ("dynamics", one(&self.dynamics)),
            ("cohorts", rows(&self.cohorts)),
        ]
    }
}

impl Tables for RevenueReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        let summary = serde_json::json!({
            "currency": self.currency, "total": self.total, "orders": self.orders,
            "customers": self.customers, "average_order_value": self.average_order_value,
            "purchase_frequency": self.purchase_frequency,
        });
        vec![("months", rows(&self.months)), ("summary", vec![summary])]
    }
}

impl Tables for ValueReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![
            ("segments", rows(&self.segments)),
            ("retention", rows(&self.retention)),
            ("customers", rows(&self.customers)),
            ("assumptions", one(&self.assumptions)),
        ]
    }
}

impl Tables for RfmReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![
            ("classes", rows(&self.classes)),
            ("grid", rows(&self.grid)),
            ("cube", rows(&self.cube)),
            ("retention", rows(&self.retention)),
            ("customers", rows(&self.customers)),
        ]
    }
}

impl Tables for FunnelReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![("steps", rows(&self.steps))]
    }
}

impl Tables for SatisfactionReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![
            ("by_engineer", rows(&self.by_engineer)),
            ("by_kind", rows(&self.by_kind)),
            ("by_month", rows(&self.by_month)),
            ("nps_by_month", rows(&self.nps_by_month)),
            (
                "summary",
                vec![
                    serde_json::json!({"csat": self.csat, "nps": self.nps, "surveys_sent": self.surveys_sent}),
                ],
            ),
        ]
    }
}

impl Tables for ActivityReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![
            ("by_weekday_hour", rows(&self.by_weekday_hour)),
            ("by_city", rows(&self.by_city)),
            ("by_manager", rows(&self.by_manager)),
            ("by_engineer", rows(&self.by_engineer)),
        ]
    }
}

impl Tables for QualityReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![
            ("engineers", rows(&self.engineers)),
            (
                "team",
                vec![serde_json::json!({"team": self.team, "first_time_fix": self.first_time_fix})],
            ),
        ]
    }
}

impl Tables for Dashboard {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![("timings", vec![serde_json::json!(self.timings)])]
    }
}
