//! Analytics: the formulas behind the owner's numbers. The database adds up
//! (per customer, per hour, per engineer); these functions turn the sums into
//! rates, lifetimes, scores and medians, so every definition is tested here
//! without a database. The definitions are written out in `docs/analytics.md`.

pub mod customers;
pub mod path;
pub mod quality;
pub mod segment;
pub mod settled;
pub mod stats;
pub mod value;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::day_bounds;
use super::ValidationError;
use crate::core::fields::text_enum;

text_enum! {
    /// The lifetime-value models; the owner picks the one the dashboard leads with.
    pub enum LtvModel {
        /// The sum of the customer's revenue so far.
        Historical => "historical",
        /// Yearly revenue × expected lifetime in years.
        ArpuLifetime => "arpu_lifetime",
        /// Average order value × orders a year × average lifespan in years.
        OrderValueFrequency => "order_value_frequency",
        /// Yearly revenue × gross margin ÷ yearly churn rate.
        MarginChurn => "margin_churn",
        /// Yearly margin over the expected lifetime, discounted, less acquisition cost.
        Discounted => "discounted",
        /// Each year's own revenue — past years as bought, years ahead by the
        /// segment's trend — times margin, discounted, less acquisition cost.
        DiscountedPath => "discounted_path",
    }
}

/// The inputs of lifetime value that are not in the data: company settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsSettings {
    /// The model the dashboard shows first.
    #[serde(default = "default_model")]
    pub ltv_model: LtvModel,
    /// Gross margin, 0 to 1: the share of revenue left after parts and labour.
    #[serde(default = "default_margin")]
    pub gross_margin: f64,
    /// Yearly discount rate, 0 to 1.
    #[serde(default = "default_discount")]
    pub discount_rate: f64,
    /// What winning one customer costs, in minor units of the company's currency.
    #[serde(default)]
    pub acquisition_cost: i64,
    /// Mass messages sent a minute at most, so a provider's limits and the
    /// office's phone line are not flooded by answers.
    #[serde(default = "default_rate")]
    pub messages_per_minute: u32,
}

fn default_model() -> LtvModel {
    LtvModel::Historical
}
fn default_margin() -> f64 {
    0.4
}
fn default_discount() -> f64 {
    0.1
}
fn default_rate() -> u32 {
    60
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        AnalyticsSettings {
            ltv_model: default_model(),
            gross_margin: default_margin(),
            discount_rate: default_discount(),
            acquisition_cost: 0,
            messages_per_minute: default_rate(),
        }
    }
}

impl AnalyticsSettings {
    /// Checks the ranges; the error names the field under `analytics.`.
    pub fn check(&self) -> Result<(), ValidationError> {
        let share = |field: &str, v: f64| {
            if v.is_finite() && (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(ValidationError::new(
                    format!("analytics.{field}"),
                    "must be between 0 and 1",
                ))
            }
        };
        share("gross_margin", self.gross_margin)?;
        share("discount_rate", self.discount_rate)?;
        if self.acquisition_cost < 0 {
            return Err(ValidationError::new(
                "analytics.acquisition_cost",
                "must not be negative",
            ));
        }
        if !(1..=6000).contains(&self.messages_per_minute) {
            return Err(ValidationError::new(
                "analytics.messages_per_minute",
                "must be 1 to 6000",
            ));
        }
        Ok(())
    }
}

/// The period a report covers: local days `from` to `to`, both included, and
/// the UTC instants they begin and end at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// The company's zone: months and days are counted in it.
    pub tz: Tz,
}

/// The longest period one report may cover.
pub const MAX_PERIOD_DAYS: i64 = 366 * 10;

impl Period {
    /// The days from `from` to `to` in the company's time zone.
    pub fn new(from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Period, ValidationError> {
        if to < from {
            return Err(ValidationError::new("to", "must not be before `from`"));
        }
        if (to - from).num_days() >= MAX_PERIOD_DAYS {
            return Err(ValidationError::new(
                "to",
                "the period is at most ten years",
            ));
        }
        Ok(Period {
            from,
            to,
            start: day_bounds(from, tz).0,
            end: day_bounds(to, tz).1,
            tz,
        })
    }

    /// Its length in years (365.25 days).
    pub fn years(&self) -> f64 {
        (self.end - self.start).num_seconds() as f64 / SECONDS_A_YEAR
    }
}

/// Seconds in an average year.
pub const SECONDS_A_YEAR: f64 = 365.25 * 86_400.0;

/// A UTC instant in the company's time zone.
pub fn local(at: NaiveDateTime, tz: Tz) -> DateTime<Tz> {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc).with_timezone(&tz)
}

/// The UTC instant `months` local months before `at`: the same wall-clock time
/// on the same day of the month (the month's last day when it is shorter). An
/// order at 23:00 UTC on 30 November is on 1 December in Kyiv, and counts so.
pub fn months_before(at: NaiveDateTime, months: u32, tz: Tz) -> Option<NaiveDateTime> {
    use chrono::TimeZone;
    let back = local(at, tz)
        .naive_local()
        .checked_sub_months(chrono::Months::new(months))?;
    // A wall time a DST change skips is read an hour later.
    tz.from_local_datetime(&back)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(back + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.naive_utc())
}

/// `2026-03` for a local instant: the month a figure belongs to.
pub fn month_key<T: Datelike>(at: &T) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}

/// Reads an hour bucket as the database writes it (`2026-03-04 10`).
pub fn parse_hour(bucket: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(&format!("{bucket}:00"), "%Y-%m-%d %H:%M").ok()
}

/// `x` with a negative zero made positive: JSON should never say `-0.0`.
pub fn no_negative_zero(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_runs_from_local_midnight_to_local_midnight() {
        let p = Period::new(d("2026-03-01"), d("2026-03-31"), chrono_tz::Europe::Kyiv).unwrap();
        // Kyiv is UTC+2 until the last Sunday of March, UTC+3 after.
        assert_eq!(p.start.to_string(), "2026-02-28 22:00:00");
        assert_eq!(p.end.to_string(), "2026-03-31 21:00:00");
        assert!(Period::new(d("2026-03-02"), d("2026-03-01"), chrono_tz::UTC).is_err());
    }

    #[test]
    fn hour_buckets_are_read_and_placed_in_local_months() {
        let at = parse_hour("2026-01-31 23").unwrap();
        assert_eq!(month_key(&local(at, chrono_tz::Europe::Kyiv)), "2026-02");
        assert_eq!(month_key(&local(at, chrono_tz::UTC)), "2026-01");
        assert!(parse_hour("2026-01-31").is_none());
    }

    #[test]
    fn settings_outside_their_ranges_are_named() {
        let mut s = AnalyticsSettings::default();
        assert!(s.check().is_ok());
        s.gross_margin = 1.5;
        assert_eq!(s.check().unwrap_err().field, "analytics.gross_margin");
        s.gross_margin = 0.3;
        s.acquisition_cost = -1;
        assert_eq!(s.check().unwrap_err().field, "analytics.acquisition_cost");
    }
}
