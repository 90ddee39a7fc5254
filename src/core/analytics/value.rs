//! What customers are worth: lifetime value by five models, and RFM scores.
//!
//! Money is in minor units of the company's currency, as `f64` because the
//! models divide and discount.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::customers::{active_at, Ledger};
use super::no_negative_zero;
use super::path::path_value;
use super::{AnalyticsSettings, LtvModel, Period, SECONDS_A_YEAR};
use crate::core::fields::text_enum;

/// The longest lifetime a model assumes: with no churn, 1 ÷ churn is endless.
pub const MAX_LIFETIME_YEARS: f64 = 30.0;

/// A churn rate over a period of `years` as a yearly rate: 1 − (1 − c)^(1/years).
pub fn yearly_churn(period_churn: f64, years: f64) -> f64 {
    if years <= 0.0 {
        return period_churn;
    }
    1.0 - (1.0 - period_churn.clamp(0.0, 1.0)).powf(1.0 / years)
}

/// Expected customer lifetime in years: 1 ÷ yearly churn, at most
/// [`MAX_LIFETIME_YEARS`]. With no churn measured (nobody was active when the
/// period began) or none observed, there is no lifetime to speak of: the
/// reason is given instead of an invented thirty years.
pub fn expected_lifetime(yearly_churn: Option<f64>) -> Result<f64, &'static str> {
    match yearly_churn {
        None => Err("not enough data: no customer was active when the period began, so churn cannot be measured"),
        Some(c) if c <= 0.0 => Err("not enough data: no customer was lost in the period, so a lifetime cannot be estimated"),
        Some(c) => Ok((1.0 / c).min(MAX_LIFETIME_YEARS)),
    }
}

/// Σ for t = 1..⌈years⌉ of `yearly × weightₜ ÷ (1 + rate)ᵗ`, the last year
/// counted in part (weight = what is left of `years`).
pub fn discounted_sum(yearly: f64, years: f64, rate: f64) -> f64 {
    let mut total = 0.0;
    let mut t = 1;
    while f64::from(t - 1) < years {
        let weight = (years - f64::from(t - 1)).min(1.0);
        total += yearly * weight / (1.0 + rate).powi(t);
        t += 1;
    }
    total
}

/// A segment's lifetime value from its retention: Σₜ revenueₜ × retentionₜ ×
/// margin, where retentionₜ is the share of the segment's customers still
/// buying in year t and revenueₜ what one of them spends that year.
pub fn retention_value(revenues: &[f64], retention: &[f64], margin: f64) -> f64 {
    no_negative_zero(
        revenues
            .iter()
            .zip(retention)
            .fold(0.0, |sum, (revenue, kept)| sum + revenue * kept * margin),
    )
}

/// A group's retention by year of tenure, and the lifetime value it gives.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RetentionValue {
    /// `b2c`, `b2b`, `all`, or an RFM group.
    pub group: String,
    pub customers: i64,
    /// Share of the group's customers still buying in tenure year t = 1, 2, …,
    /// of those whose tenure has reached that year: a customer counts as
    /// buying in year t when their last order came t − 1 years or more after
    /// their first (as the monthly cohorts count).
    pub retention: Vec<f64>,
    /// What a customer still buying brings in a year, minor units: the group's
    /// revenue ÷ its customers' years of buying.
    pub revenue_per_year: f64,
    /// Σₜ revenue_per_year × retentionₜ × margin over the years observed; null
    /// for an empty group.
    pub value: Option<f64>,
}

/// Retention by tenure year and its value for one group of customers, as of `end`.
pub fn retention_of(
    group: &str,
    ledgers: &[&Ledger],
    end: NaiveDateTime,
    margin: f64,
) -> RetentionValue {
    let most = MAX_LIFETIME_YEARS as usize;
    let (mut reached, mut kept) = (vec![0i64; most], vec![0i64; most]);
    let (mut revenue, mut buying_years) = (0.0, 0.0);
    let years = |from: NaiveDateTime, to: NaiveDateTime| {
        ((to - from).num_seconds().max(0) as f64 / SECONDS_A_YEAR).floor() as usize + 1
    };
    for l in ledgers {
        let reached_years = years(l.first_order, end).min(most);
        let kept_years = years(l.first_order, l.last_order).min(reached_years);
        for t in 0..reached_years {
            reached[t] += 1;
            kept[t] += i64::from(t < kept_years);
        }
        revenue += l.revenue as f64;
        buying_years += kept_years as f64;
    }
    let retention: Vec<f64> = reached
        .iter()
        .zip(&kept)
        .take_while(|(n, _)| **n > 0)
        .map(|(n, k)| *k as f64 / *n as f64)
        .collect();
    let revenue_per_year = if buying_years > 0.0 {
        revenue / buying_years
    } else {
        0.0
    };
    RetentionValue {
        group: group.to_owned(),
        customers: ledgers.len() as i64,
        value: (!ledgers.is_empty())
            .then(|| retention_value(&vec![revenue_per_year; retention.len()], &retention, margin)),
        retention,
        revenue_per_year,
    }
}

/// A customer's years with the company: from the first order to the end, at least one.
fn tenure_years(l: &Ledger, end: NaiveDateTime) -> f64 {
    ((end - l.first_order).num_seconds() as f64 / SECONDS_A_YEAR).max(1.0)
}

/// The average observed lifespan in years: first order to last for lost
/// customers, first order to the period's end for active ones.
pub fn average_lifespan(ledgers: &[Ledger], period: &Period, lost_after_months: u32) -> f64 {
    let end = period.end;
    if ledgers.is_empty() {
        return 0.0;
    }
    let sum: f64 = ledgers
        .iter()
        .map(|l| {
            let until = if active_at(Some(l.last_order), end, lost_after_months, period.tz) {
                end
            } else {
                l.last_order
            };
            (until - l.first_order).num_seconds() as f64 / SECONDS_A_YEAR
        })
        .sum();
    sum / ledgers.len() as f64
}

/// What the models need besides the customer's own orders.
#[derive(Debug, Clone, Copy)]
pub struct ValueInputs {
    pub end: NaiveDateTime,
    pub margin: f64,
    pub discount_rate: f64,
    pub acquisition_cost: f64,
    pub yearly_churn: Option<f64>,
    pub lifespan_years: f64,
}

impl ValueInputs {
    pub fn new(
        settings: &AnalyticsSettings,
        end: NaiveDateTime,
        yearly_churn: Option<f64>,
        lifespan_years: f64,
    ) -> ValueInputs {
        ValueInputs {
            end,
            margin: settings.gross_margin,
            discount_rate: settings.discount_rate,
            acquisition_cost: settings.acquisition_cost as f64,
            yearly_churn,
            lifespan_years,
        }
    }
}

/// The field of a value that holds `model`'s figure; customers' and
/// segments' values have the same five.
macro_rules! by_model {
    ($v:expr, $model:expr) => {
        match $model {
            LtvModel::Historical => Some($v.historical),
            LtvModel::ArpuLifetime => $v.arpu_lifetime,
            LtvModel::OrderValueFrequency => Some($v.order_value_frequency),
            LtvModel::MarginChurn => $v.margin_churn,
            LtvModel::Discounted => $v.discounted,
            LtvModel::DiscountedPath => $v.discounted_path,
        }
    };
}

/// One customer's lifetime value by each model.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CustomerValue {
    pub customer_id: String,
    pub segment: String,
    pub orders: i64,
    pub revenue: i64,
    pub historical: f64,
    /// Null when no lifetime can be estimated (see the assumptions' reason).
    pub arpu_lifetime: Option<f64>,
    pub order_value_frequency: f64,
    /// Null when no lifetime can be estimated.
    pub margin_churn: Option<f64>,
    /// Null when no lifetime can be estimated.
    pub discounted: Option<f64>,
    /// Null when no lifetime can be estimated.
    pub discounted_path: Option<f64>,
}

impl CustomerValue {
    /// The value by one model; none when the model has no lifetime to use.
    pub fn by(&self, model: LtvModel) -> Option<f64> {
        by_model!(self, model)
    }
}

/// A customer's value. Yearly revenue (ARPU) is their revenue ÷ their years
/// with the company (at least one); the lifetime is 1 ÷ yearly churn. `path`
/// is their revenue by calendar year (see [`path_of`](super::path::path_of))
/// with their segment's trend, when it was read.
pub fn customer_value(l: &Ledger, path: Option<(&[f64], f64)>, i: &ValueInputs) -> CustomerValue {
    let years = tenure_years(l, i.end);
    let revenue = l.revenue as f64;
    let yearly = revenue / years;
    let lifetime = expected_lifetime(i.yearly_churn).ok();
    let order_value = if l.orders > 0 {
        revenue / l.orders as f64
    } else {
        0.0
    };
    let frequency = l.orders as f64 / years;
    CustomerValue {
        customer_id: l.customer_id.clone(),
        segment: l.segment.clone(),
        orders: l.orders,
        revenue: l.revenue,
        historical: revenue,
        arpu_lifetime: lifetime.map(|l| yearly * l),
        order_value_frequency: order_value * frequency * i.lifespan_years,
        margin_churn: lifetime.map(|l| yearly * i.margin * l),
        discounted: lifetime
            .map(|l| discounted_sum(yearly * i.margin, l, i.discount_rate) - i.acquisition_cost),
        discounted_path: lifetime.zip(path).map(|(l, (path, trend))| {
            path_value(
                path,
                trend,
                l,
                i.margin,
                i.discount_rate,
                i.acquisition_cost,
            )
        }),
    }
}

/// The mean value of a group of customers by each model.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SegmentValue {
    /// `b2c`, `b2b`, or `all`.
    pub segment: String,
    pub customers: i64,
    pub historical: f64,
    /// Null when no lifetime can be estimated.
    pub arpu_lifetime: Option<f64>,
    pub order_value_frequency: f64,
    /// Null when no lifetime can be estimated.
    pub margin_churn: Option<f64>,
    /// Null when no lifetime can be estimated.
    pub discounted: Option<f64>,
    /// Null when no lifetime can be estimated.
    pub discounted_path: Option<f64>,
}

impl SegmentValue {
    /// The value by one model; none when the model has no lifetime to use.
    pub fn by(&self, model: LtvModel) -> Option<f64> {
        by_model!(self, model)
    }
}

/// Mean values per segment, then for everyone.
pub fn by_segment(values: &[CustomerValue]) -> Vec<SegmentValue> {
    let mut groups: BTreeMap<&str, Vec<&CustomerValue>> = BTreeMap::new();
    for v in values {
        groups.entry(v.segment.as_str()).or_default().push(v);
    }
    let mut out: Vec<SegmentValue> = groups
        .into_iter()
        .map(|(segment, vs)| mean_value(segment, &vs))
        .collect();
    out.push(mean_value("all", &values.iter().collect::<Vec<_>>()));
    out
}

/// The mean of a model's values; none when any customer has none (they
/// share one lifetime, so either all have one or none has) or there is no
/// customer to average. Never `-0.0` (an empty `f64` sum is negative zero).
fn mean_of(vs: &[&CustomerValue], f: impl Fn(&CustomerValue) -> Option<f64>) -> Option<f64> {
    if vs.is_empty() {
        return None;
    }
    let sum = vs.iter().try_fold(0.0, |sum, v| f(v).map(|x| sum + x))?;
    Some(no_negative_zero(sum / vs.len() as f64))
}

fn mean_value(segment: &str, vs: &[&CustomerValue]) -> SegmentValue {
    let always = |x: Option<f64>| x.unwrap_or(0.0);
    SegmentValue {
        segment: segment.to_owned(),
        customers: vs.len() as i64,
        historical: always(mean_of(vs, |v| Some(v.historical))),
        arpu_lifetime: mean_of(vs, |v| v.arpu_lifetime),
        order_value_frequency: always(mean_of(vs, |v| Some(v.order_value_frequency))),
        margin_churn: mean_of(vs, |v| v.margin_churn),
        discounted: mean_of(vs, |v| v.discounted),
        discounted_path: mean_of(vs, |v| v.discounted_path),
    }
}

/// Quintile scores 1–5, higher for higher values. Equal values share a score:
/// a value scores 1 + ⌊5 × (values below it) ÷ n⌋.
pub fn quintiles(values: &[f64]) -> Vec<u8> {
    let mut sorted: Vec<f64> = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = values.len().max(1);
    values
        .iter()
        .map(|v| {
            let below = sorted.partition_point(|x| x < v);
            (1 + 5 * below / n) as u8
        })
        .collect()
}

text_enum! {
    /// The eleven named groups of the RFM cube, from recency and the
    /// frequency-monetary score (the mean of F and M, rounded up).
    pub enum RfmClass {
        /// Bought lately, often and much.
        Champions => "champions",
        /// Buy often and much; not necessarily lately.
        Loyal => "loyal",
        /// Recent, with a few orders: could become loyal.
        PotentialLoyalists => "potential_loyalists",
        /// The most recent, one small order so far.
        New => "new",
        /// Recent, little bought yet.
        Promising => "promising",
        /// Middling on every score.
        NeedAttention => "need_attention",
        /// Fading: middling recency, little bought.
        AboutToSleep => "about_to_sleep",
        /// Used to buy often or much, not lately.
        AtRisk => "at_risk",
        /// The best customers of old, gone quiet the longest.
        CantLoseThem => "cant_lose_them",
        /// Long quiet, little bought.
        Hibernating => "hibernating",
        /// The least recent and least bought.
        Lost => "lost",
    }
}

/// The group of each (R, FM) cell: rows R = 5 down to 1, columns FM = 1 to 5.
const RFM_GROUPS: [[RfmClass; 5]; 5] = {
    use RfmClass::*;
    [
        [New, PotentialLoyalists, Loyal, Champions, Champions],
        [Promising, PotentialLoyalists, Loyal, Champions, Champions],
        [AboutToSleep, NeedAttention, NeedAttention, Loyal, Loyal],
        [Hibernating, Hibernating, AtRisk, AtRisk, CantLoseThem],
        [Lost, Lost, AtRisk, CantLoseThem, CantLoseThem],
    ]
};

/// The group of a cell of the 5 × 5 × 5 cube: R with FM = ⌈(F + M) ÷ 2⌉.
pub fn rfm_class(r: u8, f: u8, m: u8) -> RfmClass {
    let clamp = |x: u8| usize::from(x.clamp(1, 5));
    let fm = (clamp(f) + clamp(m)).div_ceil(2);
    RFM_GROUPS[5 - clamp(r)][fm - 1]
}

/// One customer's RFM scores.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RfmScore {
    pub customer_id: String,
    /// Days from the last order to the period's end.
    pub recency_days: i64,
    pub frequency: i64,
    /// Revenue, minor units.
    pub monetary: i64,
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub class: RfmClass,
}

/// Scores every customer with an order: recent orders score high, so recency
/// is scored on its negative.
pub fn rfm(ledgers: &[Ledger], end: NaiveDateTime) -> Vec<RfmScore> {
    let recency: Vec<i64> = ledgers
        .iter()
        .map(|l| (end - l.last_order).num_days())
        .collect();
    let r = quintiles(&recency.iter().map(|d| -(*d as f64)).collect::<Vec<_>>());
    let f = quintiles(&ledgers.iter().map(|l| l.orders as f64).collect::<Vec<_>>());
    let m = quintiles(&ledgers.iter().map(|l| l.revenue as f64).collect::<Vec<_>>());
    ledgers
        .iter()
        .enumerate()
        .map(|(i, l)| RfmScore {
            customer_id: l.customer_id.clone(),
            recency_days: recency[i],
            frequency: l.orders,
            monetary: l.revenue,
            r: r[i],
            f: f[i],
            m: m[i],
            class: rfm_class(r[i], f[i], m[i]),
        })
        .collect()
}

/// Customers per recency × frequency cell, with their mean revenue.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RfmCell {
    pub r: u8,
    pub f: u8,
    pub customers: i64,
    pub monetary_average: f64,
}

/// The 5 × 5 grid (empty cells left out), recency high first.
pub fn rfm_grid(scores: &[RfmScore]) -> Vec<RfmCell> {
    let mut cells: BTreeMap<(std::cmp::Reverse<u8>, u8), (i64, i64)> = BTreeMap::new();
    for s in scores {
        let c = cells.entry((std::cmp::Reverse(s.r), s.f)).or_default();
        c.0 += 1;
        c.1 += s.monetary;
    }
    cells
        .into_iter()
        .map(|((r, f), (n, sum))| RfmCell {
            r: r.0,
            f,
            customers: n,
            monetary_average: sum as f64 / n as f64,
        })
        .collect()
}

/// One cell of the R × F × M cube: its customers, their revenue and its group.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RfmCubeCell {
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub group: RfmClass,
    pub customers: i64,
    /// Their revenue together, minor units.
    pub revenue: i64,
}

/// All 125 cells of the cube, empty ones too (so a spreadsheet of it is
/// always the whole cube), R, F and M high first.
pub fn rfm_cube(scores: &[RfmScore]) -> Vec<RfmCubeCell> {
    let mut counts = [[[(0i64, 0i64); 5]; 5]; 5];
    for s in scores {
        let at = |x: u8| usize::from(x.clamp(1, 5)) - 1;
        let cell = &mut counts[at(s.r)][at(s.f)][at(s.m)];
        cell.0 += 1;
        cell.1 += s.monetary;
    }
    let mut out = Vec::with_capacity(125);
    for r in (1..=5u8).rev() {
        for f in (1..=5u8).rev() {
            for m in (1..=5u8).rev() {
                let (customers, revenue) =
                    counts[usize::from(r - 1)][usize::from(f - 1)][usize::from(m - 1)];
                out.push(RfmCubeCell {
                    r,
                    f,
                    m,
                    group: rfm_class(r, f, m),
                    customers,
                    revenue,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::customers::tests::{ledger, t};
    use super::*;
    use crate::core::analytics::path::discounted_path;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-6, "{a} != {b}");
    }

    /// The lifetime-value article's worked examples, through the functions the
    /// reports use. The issue quotes the article's results (720, 960, 225,
    /// 202.78) and the inputs of the last; the inputs of the first three are
    /// the simplest the article's formulas give those results from.
    #[test]
    fn the_articles_worked_examples() {
        let year = |revenue, orders| {
            let mut l = ledger(
                "a",
                "2025-12-31",
                "2026-12-30",
                None,
                orders,
                revenue,
                orders,
            );
            l.first_order = t("2025-12-31");
            l
        };
        let end = t("2025-12-31") + chrono::Duration::seconds(SECONDS_A_YEAR as i64);
        let inputs = |margin, churn, lifespan| {
            let settings = AnalyticsSettings {
                gross_margin: margin,
                ..Default::default()
            };
            ValueInputs::new(&settings, end, Some(churn), lifespan)
        };
        // ARPU × lifetime: 240 a year, a third of customers lost a year → 3 years → 720.
        let v = customer_value(&year(240, 2), None, &inputs(0.5, 1.0 / 3.0, 3.0));
        close(v.arpu_lifetime.unwrap(), 720.0);
        // Order value × frequency × lifespan: 80 × 4 a year × 3 years → 960.
        let v = customer_value(&year(320, 4), None, &inputs(0.5, 0.25, 3.0));
        close(v.order_value_frequency, 960.0);
        // ARPU × margin ÷ churn: 150 × 0.3 ÷ 0.2 → 225.
        let v = customer_value(&year(150, 1), None, &inputs(0.3, 0.2, 3.0));
        close(v.margin_churn.unwrap(), 225.0);
        // Discounted cash flow over 200, 240, 300 at 50 % margin, 10 %, CAC 100 → 202.78.
        let dcf = discounted_path(&[200.0, 240.0, 300.0], 0.5, 0.1, 100.0);
        assert_eq!(format!("{dcf:.2}"), "202.78");
        // A flat path is the flat form.
        close(
            discounted_path(&[100.0; 3], 1.0, 0.1, 0.0),
            discounted_sum(100.0, 3.0, 0.1),
        );
        // Segment retention: 100 a year kept by 100 %, 80 %, 60 % at 50 % margin → 120.
        close(retention_value(&[100.0; 3], &[1.0, 0.8, 0.6], 0.5), 120.0);
        assert_eq!(retention_value(&[], &[], 0.5).to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn retention_by_tenure_year_values_a_group() {
        let end = t("2026-12-31");
        let group = [
            // Three years with the company, buying in all three: 900.
            ledger("a", "2024-01-10", "2026-06-01", None, 3, 900, 1),
            // Three years, bought in the first only: 300.
            ledger("b", "2024-02-01", "2024-03-01", None, 1, 300, 0),
            // Two years, buying in both: 600.
            ledger("c", "2025-03-01", "2026-04-01", None, 2, 600, 1),
            // New this year: 300.
            ledger("d", "2026-05-01", "2026-05-01", None, 1, 300, 1),
        ];
        let refs: Vec<&Ledger> = group.iter().collect();
        let r = retention_of("b2c", &refs, end, 0.5);
        // Year 1: all 4 buying; year 2: a and c of the 3 that reached it; year 3: a of a, b.
        assert_eq!(r.retention, vec![1.0, 2.0 / 3.0, 0.5]);
        // 2,100 over 3 + 1 + 2 + 1 = 7 years of buying.
        close(r.revenue_per_year, 300.0);
        // 300 × (1 + 2/3 + 1/2) × 0.5.
        close(r.value.unwrap(), 300.0 * (1.0 + 2.0 / 3.0 + 0.5) * 0.5);
        let empty = retention_of("b2b", &[], end, 0.5);
        assert_eq!(
            (empty.customers, empty.value, empty.retention.len()),
            (0, None, 0)
        );
    }

    #[test]
    fn churn_over_a_period_as_a_yearly_rate() {
        close(yearly_churn(0.19, 2.0), 0.1);
        close(yearly_churn(0.25, 1.0), 0.25);
        close(expected_lifetime(Some(0.25)).unwrap(), 4.0);
        close(expected_lifetime(Some(0.01)).unwrap(), MAX_LIFETIME_YEARS);
        // No churn observed, or none measurable: no lifetime, and why.
        assert!(expected_lifetime(Some(0.0))
            .unwrap_err()
            .contains("no customer was lost"));
        assert!(expected_lifetime(None)
            .unwrap_err()
            .contains("not enough data"));
    }

    #[test]
    fn discounting_a_yearly_margin() {
        // 100 a year for 3 years at 10 %: 100/1.1 + 100/1.21 + 100/1.331.
        close(discounted_sum(100.0, 3.0, 0.1), 248.685199);
        // Two and a half years: the third year counts half.
        close(
            discounted_sum(100.0, 2.5, 0.1),
            90.909091 + 82.644628 + 37.565740,
        );
        close(discounted_sum(100.0, 2.0, 0.0), 200.0);
    }

    #[test]
    fn the_five_models_on_a_worked_customer() {
        // Ordered 4 times for 8 000.00 over the two years before the end.
        let l = ledger("a", "2024-12-31", "2026-11-30", None, 4, 800_000, 2);
        let end = l.first_order + chrono::Duration::seconds((2.0 * SECONDS_A_YEAR) as i64);
        let settings = AnalyticsSettings {
            gross_margin: 0.4,
            discount_rate: 0.1,
            acquisition_cost: 50_000,
            ..Default::default()
        };
        // 25 % yearly churn → 4 years; observed lifespan 3 years.
        let v = customer_value(&l, None, &ValueInputs::new(&settings, end, Some(0.25), 3.0));
        close(v.historical, 800_000.0);
        // ARPU 400 000 a year × 4 years.
        close(v.arpu_lifetime.unwrap(), 1_600_000.0);
        // AOV 200 000 × 2 orders a year × 3 years.
        close(v.order_value_frequency, 1_200_000.0);
        // 400 000 × 0.4 ÷ 0.25.
        close(v.margin_churn.unwrap(), 640_000.0);
        // 160 000 a year for 4 years at 10 %, less 50 000.
        let annuity = 1.0 / 1.1 + 1.0 / 1.21 + 1.0 / 1.331 + 1.0 / 1.4641;
        close(v.discounted.unwrap(), 160_000.0 * annuity - 50_000.0);
        assert_eq!(v.by(LtvModel::MarginChurn), v.margin_churn);
        // With no churn seen, the lifetime models say nothing rather than 30 years.
        let unknown = customer_value(&l, None, &ValueInputs::new(&settings, end, Some(0.0), 3.0));
        assert_eq!(
            (
                unknown.arpu_lifetime,
                unknown.margin_churn,
                unknown.discounted
            ),
            (None, None, None)
        );
        close(unknown.historical, 800_000.0);
    }

    #[test]
    fn segments_average_their_customers() {
        let inputs = ValueInputs::new(&AnalyticsSettings::default(), t("2026-12-31"), None, 1.0);
        let mut b = ledger("b", "2026-01-01", "2026-01-01", None, 1, 300, 1);
        b.segment = "b2b".into();
        let values: Vec<CustomerValue> = [
            ledger("a", "2026-01-01", "2026-01-01", None, 1, 100, 1),
            ledger("c", "2026-01-01", "2026-01-01", None, 1, 200, 1),
            b,
        ]
        .iter()
        .map(|l| customer_value(l, None, &inputs))
        .collect();
        let s = by_segment(&values);
        let names: Vec<_> = s
            .iter()
            .map(|s| (s.segment.as_str(), s.customers))
            .collect();
        assert_eq!(names, vec![("b2b", 1), ("b2c", 2), ("all", 3)]);
        close(s[1].historical, 150.0);
        close(s[2].historical, 200.0);
        // An empty group's mean is +0, which JSON writes as 0.0, not -0.0.
        let empty = by_segment(&[]);
        assert_eq!(empty[0].historical.to_bits(), 0.0f64.to_bits());
        assert_eq!(serde_json::to_string(&empty[0].historical).unwrap(), "0.0");
    }

    #[test]
    fn quintiles_share_scores_between_equals() {
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quintiles(&ten), vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(quintiles(&[1.0, 1.0, 1.0, 1.0, 2.0]), vec![1, 1, 1, 1, 5]);
        assert_eq!(quintiles(&[7.0]), vec![1]);
    }

    #[test]
    fn rfm_scores_and_classes_of_five_customers() {
        let end = t("2026-12-31");
        let ledgers = vec![
            ledger("a", "2020-01-01", "2026-12-21", None, 9, 9000, 0),
            ledger("b", "2020-01-01", "2026-11-01", None, 5, 4000, 0),
            ledger("c", "2020-01-01", "2026-06-01", None, 3, 3000, 0),
            ledger("d", "2020-01-01", "2025-06-01", None, 2, 1000, 0),
            ledger("e", "2020-01-01", "2024-01-01", None, 1, 500, 0),
        ];
        let s = rfm(&ledgers, end);
        let got: Vec<_> = s.iter().map(|s| (s.r, s.f, s.m, s.class)).collect();
        use RfmClass::*;
        assert_eq!(
            got,
            vec![
                (5, 5, 5, Champions),
                (4, 4, 4, Champions),
                (3, 3, 3, NeedAttention),
                (2, 2, 2, Hibernating),
                (1, 1, 1, Lost),
            ]
        );
        assert_eq!(s[0].recency_days, 10);
        // M counts: frequent but cheap is not a champion; rare but large can be.
        assert_eq!(rfm_class(5, 5, 1), Loyal);
        assert_eq!(rfm_class(5, 1, 5), Loyal);
        assert_eq!(rfm_class(5, 1, 1), New);
        assert_eq!(rfm_class(4, 1, 1), Promising);
        assert_eq!(rfm_class(4, 1, 2), PotentialLoyalists);
        assert_eq!(rfm_class(1, 5, 5), CantLoseThem);
        assert_eq!(rfm_class(2, 4, 3), AtRisk);
        let grid = rfm_grid(&s);
        assert_eq!((grid[0].r, grid[0].f, grid[0].customers), (5, 5, 1));
        let cube = rfm_cube(&s);
        assert_eq!(cube.len(), 125);
        assert_eq!(cube.iter().map(|c| c.customers).sum::<i64>(), 5);
        assert_eq!(cube.iter().map(|c| c.revenue).sum::<i64>(), 17_500);
        assert_eq!(
            (
                cube[0].r,
                cube[0].f,
                cube[0].m,
                cube[0].customers,
                cube[0].revenue
            ),
            (5, 5, 5, 1, 9000)
        );
    }

    #[test]
    fn every_cell_of_the_cube_has_one_of_the_eleven_groups() {
        let mut seen = std::collections::BTreeSet::new();
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    seen.insert(rfm_class(r, f, m).as_str());
                }
            }
        }
        assert_eq!(seen.len(), 11, "{seen:?}");
        assert_eq!(RfmClass::ALL.len(), 11);
    }
}
