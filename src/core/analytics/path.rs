//! Lifetime value over a revenue path, the article's discounted-cash-flow
//! form: each year keeps its own revenue — the customer's past years as they
//! bought, the years ahead projected by their segment's trend — and each is
//! discounted, less the cost of acquiring the customer.

use super::no_negative_zero;

/// How far a segment's trend is taken: buyers who doubled their spending
/// last year are not assumed to double it every year to come.
pub const TREND_BOUNDS: (f64, f64) = (0.5, 2.0);

/// A customer's revenue by calendar year, from their first year to `last`
/// (the period's year, bought so far), a year without an order as 0.
/// `revenue_by_year` holds (year, revenue), oldest first.
pub fn path_of(revenue_by_year: &[(i32, i64)], last: i32) -> Vec<f64> {
    let Some(&(first, _)) = revenue_by_year.first() else {
        return Vec::new();
    };
    let mut path = vec![0.0; (last.max(first) - first) as usize + 1];
    for &(year, revenue) in revenue_by_year {
        if let Some(cell) = path.get_mut((year - first) as usize) {
            *cell += revenue as f64;
        }
    }
    path
}

/// A segment's yearly trend: Σ next year's revenue ÷ Σ this year's over the
/// customers who bought in both of two consecutive full years (a path's last
/// year is still under way), held within [`TREND_BOUNDS`]; 1 with no such pair.
pub fn yearly_trend<'a>(paths: impl IntoIterator<Item = &'a [f64]>) -> f64 {
    let (mut this, mut next) = (0.0, 0.0);
    for path in paths {
        let full = &path[..path.len().saturating_sub(1)];
        for pair in full.windows(2) {
            if pair[0] > 0.0 && pair[1] > 0.0 {
                this += pair[0];
                next += pair[1];
            }
        }
    }
    if this > 0.0 {
        (next / this).clamp(TREND_BOUNDS.0, TREND_BOUNDS.1)
    } else {
        1.0
    }
}

/// What the years ahead grow from: the mean of the customer's full years (a
/// path's last year is still under way), or this year's revenue when there is
/// no full year yet.
fn base_of(path: &[f64]) -> f64 {
    let full = &path[..path.len().saturating_sub(1)];
    if full.is_empty() {
        path.last().copied().unwrap_or(0.0)
    } else {
        full.iter().sum::<f64>() / full.len() as f64
    }
}

/// The years ahead of a path: `lifetime` years (the last in part), year j at
/// `base × trendʲ`, where base is the mean of the customer's full years, or
/// what they bought this year when they have none yet.
pub fn projected(path: &[f64], trend: f64, lifetime: f64) -> Vec<f64> {
    let base = base_of(path);
    let mut ahead = Vec::new();
    let mut j = 1;
    while f64::from(j - 1) < lifetime {
        let weight = (lifetime - f64::from(j - 1)).min(1.0);
        ahead.push(base * trend.powi(j) * weight);
        j += 1;
    }
    ahead
}

/// Σₜ revenueₜ × margin ÷ (1 + rate)ᵗ − CAC over the customer's years so far
/// and the `lifetime` years ahead ([`projected`]), t = 1 being their first
/// year. Computed in place: the dashboard values 100,000 customers at once.
pub fn path_value(
    path: &[f64],
    trend: f64,
    lifetime: f64,
    margin: f64,
    rate: f64,
    acquisition_cost: f64,
) -> f64 {
    let past = discounted_path(path, margin, rate, 0.0);
    let base = base_of(path);
    // Year j ahead is year n + j of the path: base × trendʲ × weight ÷ (1 + rate)ⁿ⁺ʲ.
    let mut factor = (1.0 + rate).powi(path.len() as i32);
    let mut grown = 1.0;
    let mut ahead = 0.0;
    let mut j = 1;
    while f64::from(j - 1) < lifetime {
        factor *= 1.0 + rate;
        grown *= trend;
        ahead += base * grown * (lifetime - f64::from(j - 1)).min(1.0) / factor;
        j += 1;
    }
    no_negative_zero(past + ahead * margin - acquisition_cost)
}

/// Lifetime value as a discounted cash flow over a path of yearly revenues:
/// Σₜ revenueₜ × margin ÷ (1 + d)ᵗ − CAC, the first year being t = 1. Unlike
/// [`discounted_sum`](super::value::discounted_sum), each year keeps its own revenue, so a customer whose
/// spending grows is valued by the growth.
pub fn discounted_path(revenues: &[f64], margin: f64, rate: f64, acquisition_cost: f64) -> f64 {
    let mut factor = 1.0;
    let mut total = 0.0;
    for revenue in revenues {
        factor *= 1.0 + rate;
        total += revenue * margin / factor;
    }
    no_negative_zero(total - acquisition_cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} ≠ {b}");
    }

    #[test]
    fn a_path_runs_from_the_first_year_to_the_last_with_gaps_as_zero() {
        assert_eq!(
            path_of(&[(2023, 200), (2025, 300)], 2026),
            [200.0, 0.0, 300.0, 0.0]
        );
        assert!(path_of(&[], 2026).is_empty());
    }

    #[test]
    fn the_trend_pools_buyers_of_two_full_years_and_is_bounded() {
        // 200 → 240 and 100 → 120: +20 %; the last years (under way) and a
        // year without orders do not count.
        let a = [200.0, 240.0, 10.0];
        let b = [100.0, 120.0, 0.0, 50.0];
        close(yearly_trend([&a[..], &b[..]]), 1.2);
        assert_eq!(yearly_trend([&[100.0, 1000.0, 0.0][..]]), 2.0);
        assert_eq!(yearly_trend([&[500.0][..]]), 1.0);
        assert_eq!(yearly_trend(std::iter::empty()), 1.0);
    }

    #[test]
    fn the_article_path_is_valued_as_the_article_does() {
        // Three years bought (200, 240, 300), nothing ahead: the article's 202.78.
        let v = path_value(&[200.0, 240.0, 300.0, 0.0], 1.0, 0.0, 0.5, 0.1, 100.0);
        // The fourth year (under way, nothing bought) adds nothing.
        assert_eq!(format!("{v:.2}"), "202.78");
        // Years ahead from the mean of the full years (200, 240, 300 → 246.67),
        // grown by the trend: 1.5 years at +10 % → 271.33, then half of 298.47.
        let ahead = projected(&[200.0, 240.0, 300.0, 0.0], 1.1, 1.5);
        close(ahead[0], 740.0 / 3.0 * 1.1);
        close(ahead[1], 740.0 / 3.0 * 1.21 * 0.5);
        // The value is the article's sum over the path and the years ahead.
        let path = [200.0, 240.0, 300.0, 0.0];
        let mut flows = path.to_vec();
        flows.extend(projected(&path, 1.1, 2.5));
        close(
            path_value(&path, 1.1, 2.5, 0.5, 0.1, 100.0),
            discounted_path(&flows, 0.5, 0.1, 100.0),
        );
        // A customer of this year only is projected from what they bought so far.
        assert_eq!(projected(&[90.0], 1.0, 2.0), [90.0, 90.0]);
    }
}
