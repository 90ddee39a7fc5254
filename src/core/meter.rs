//! Meters on equipment: litres through a filter, a boiler's operating hours,
//! a lift's trips. A cumulative meter only grows (a reset — a new counter, a
//! replaced device — is said explicitly); a gauge (pressure, temperature) reads
//! a level that may have a band it should stay in. From a cumulative meter's
//! readings comes its daily rate and the day it will reach a value, which is
//! how maintenance by use is forecast.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{EquipmentId, MeterId, ReadingId};
use super::text::{self, SHORT};
use super::ValidationError;
use crate::core::fields::text_enum;

text_enum! {
    /// What a meter counts; `custom` names its own unit.
    pub enum MeterKind {
        Litres => "litres",
        Hours => "hours",
        Cycles => "cycles",
        Kwh => "kwh",
        Custom => "custom",
    }
}

text_enum! {
    /// Whether readings add up (a counter) or read a level (a gauge).
    pub enum MeterMode {
        Cumulative => "cumulative",
        Gauge => "gauge",
    }
}

text_enum! {
    /// Who took a reading.
    pub enum ReadingSource {
        Engineer => "engineer",
        Office => "office",
        Device => "device",
        Import => "import",
    }
}

text_enum! {
    /// A value read, or the counter starting again from the value given.
    pub enum ReadingKind {
        Reading => "reading",
        Reset => "reset",
    }
}

/// The largest value a reading may have: far above any real counter, far
/// below where a double stops counting in units.
pub const MAX_VALUE: f64 = 1e12;
/// How far ahead of the server's clock a reading's moment may be (a device's
/// clock running fast).
const CLOCK_SLACK_MINUTES: i64 = 10;
/// Readings from before this year are refused.
const EARLIEST_YEAR: i32 = 1990;

fn kind_default() -> ReadingKind {
    ReadingKind::Reading
}

/// What may be set on a meter.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeterFields {
    pub kind: MeterKind,
    pub mode: MeterMode,
    /// The unit a `custom` meter counts in ("m³", "trips"); the kind's own otherwise.
    #[serde(default)]
    pub unit: Option<String>,
    /// "Main inlet", "Pressure before the membrane".
    #[serde(default)]
    pub name: Option<String>,
    /// A gauge's band: a reading below `low` or above `high` is out of it.
    #[serde(default)]
    pub low: Option<f64>,
    #[serde(default)]
    pub high: Option<f64>,
}

impl MeterFields {
    /// The fields as kept: the unit named, the band only on a gauge and in order.
    pub fn normalise(self) -> Result<MeterFields, ValidationError> {
        let unit = match (self.kind, self.unit.as_deref()) {
            (MeterKind::Custom, u) => Some(text::required("unit", u.unwrap_or(""), 40)?),
            (kind, None) => Some(kind.unit().to_owned()),
            (kind, Some(u)) if u.trim().is_empty() || u.trim() == kind.unit() => {
                Some(kind.unit().to_owned())
            }
            (kind, Some(_)) => {
                return Err(ValidationError::new(
                    "unit",
                    format!(
                        "a {} meter counts in {}; use kind `custom` for another unit",
                        kind.as_str(),
                        kind.unit()
                    ),
                ))
            }
        };
        let name = text::optional("name", self.name.as_deref(), SHORT)?;
        for (field, v) in [("low", self.low), ("high", self.high)] {
            if let Some(v) = v {
                value(field, v)?;
                if self.mode == MeterMode::Cumulative {
                    return Err(ValidationError::new(
                        field,
                        "a band is for gauges; a cumulative meter only grows",
                    ));
                }
            }
        }
        if let (Some(low), Some(high)) = (self.low, self.high) {
            if low >= high {
                return Err(ValidationError::new("high", "must be above low"));
            }
        }
        Ok(MeterFields { unit, name, ..self })
    }
}

impl MeterKind {
    /// The unit the kind counts in.
    pub fn unit(self) -> &'static str {
        match self {
            MeterKind::Litres => "L",
            MeterKind::Hours => "h",
            MeterKind::Cycles => "cycles",
            MeterKind::Kwh => "kWh",
            MeterKind::Custom => "",
        }
    }
}

/// A meter as the API returns it, with what its readings say.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Meter {
    pub id: MeterId,
    pub equipment_id: EquipmentId,
    pub customer_id: String,
    #[serde(flatten)]
    pub fields: MeterFields,
    pub last: Option<Reading>,
    /// Units a day, from recent readings (cumulative meters with enough of them).
    pub daily_rate: Option<f64>,
    pub created_at: DateTime<Utc>,
}

/// One reading as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Reading {
    pub id: ReadingId,
    pub value: f64,
    pub read_at: DateTime<Utc>,
    pub kind: ReadingKind,
    pub source: ReadingSource,
    /// What the meter has counted up to this reading, through its resets
    /// (a counter that started again continues the count it had): use between
    /// two readings is the difference of their totals.
    pub total: f64,
}

/// A reading as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReading {
    pub value: f64,
    /// When it was read; now when left out.
    #[serde(default)]
    pub read_at: Option<DateTime<Utc>>,
    #[serde(default = "kind_default")]
    pub kind: ReadingKind,
}

/// A reading the engineer takes on a visit: which of the visit's meters, and
/// the reading. `read_at` is when it was read on the phone, so a resend from
/// the phone's queue is the same reading.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitReading {
    #[schema(value_type = String)]
    pub meter_id: MeterId,
    pub value: f64,
    #[serde(default)]
    pub read_at: Option<DateTime<Utc>>,
    #[serde(default = "kind_default")]
    pub kind: ReadingKind,
}

impl VisitReading {
    /// The reading as any other source sends it.
    pub fn reading(&self) -> NewReading {
        NewReading {
            value: self.value,
            read_at: self.read_at,
            kind: self.kind,
        }
    }
}

fn value(field: &str, v: f64) -> Result<f64, ValidationError> {
    if !v.is_finite() || v.abs() > MAX_VALUE {
        return Err(ValidationError::new(
            field,
            format!("must be a number within ±{MAX_VALUE:e}"),
        ));
    }
    Ok(v)
}

/// The moment a reading was taken: from 1990 to a few minutes past `now`.
pub fn read_at(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, ValidationError> {
    let earliest = Utc
        .with_ymd_and_hms(EARLIEST_YEAR, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    if at < earliest || at > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(ValidationError::new(
            "read_at",
            format!("must be between {EARLIEST_YEAR}-01-01 and now"),
        ));
    }
    Ok(at)
}

/// Checks a new reading of a meter against its neighbours in time: on a
/// cumulative meter a reading is at least the one before it (unless it is a
/// reset) and at most the one after it (unless that one is a reset). A reset
/// is the meter's latest reading: one slipped in before later readings would
/// change what every later one has counted.
pub fn check_reading(
    mode: MeterMode,
    kind: ReadingKind,
    v: f64,
    before: Option<&Reading>,
    after: Option<&Reading>,
) -> Result<f64, ValidationError> {
    let v = value("value", v)?;
    if mode == MeterMode::Gauge {
        if kind == ReadingKind::Reset {
            return Err(ValidationError::new(
                "kind",
                "a gauge has nothing to reset; send a reading",
            ));
        }
        return Ok(v);
    }
    if v < 0.0 {
        return Err(ValidationError::new(
            "value",
            "a cumulative meter does not read below zero",
        ));
    }
    if kind == ReadingKind::Reset {
        if let Some(a) = after {
            return Err(ValidationError::new(
                "kind",
                format!(
                    "a reset must be the meter's latest reading; there is one of {}",
                    a.read_at.format("%Y-%m-%d %H:%M")
                ),
            ));
        }
    }
    if kind == ReadingKind::Reading {
        if let Some(b) = before.filter(|b| v < b.value) {
            return Err(ValidationError::new(
                "value",
                format!(
                    "is below the reading of {} ({}); a counter that started again is a reading of kind `reset`",
                    b.read_at.format("%Y-%m-%d %H:%M"),
                    b.value
                ),
            ));
        }
    }
    if let Some(a) = after.filter(|a| a.kind == ReadingKind::Reading && a.value < v) {
        return Err(ValidationError::new(
            "value",
            format!(
                "is above the later reading of {} ({})",
                a.read_at.format("%Y-%m-%d %H:%M"),
                a.value
            ),
        ));
    }
    Ok(v)
}

/// The total of a checked reading between its neighbours: a reading counts on
/// from the total of its segment (the run since the last reset); a reset
/// continues the total of the reading before it, the use between the two
/// being unknown and counted as none.
pub fn total_of(
    kind: ReadingKind,
    v: f64,
    before: Option<&Reading>,
    after: Option<&Reading>,
) -> f64 {
    match (kind, before) {
        (ReadingKind::Reset, Some(b)) => b.total,
        (ReadingKind::Reset, None) => v,
        (ReadingKind::Reading, Some(b)) => v + (b.total - b.value),
        (ReadingKind::Reading, None) => match after.filter(|a| a.kind == ReadingKind::Reading) {
            Some(a) => v + (a.total - a.value),
            None => v,
        },
    }
}

/// Whether a gauge's reading is outside its band.
pub fn out_of_band(fields: &MeterFields, v: f64) -> bool {
    fields.mode == MeterMode::Gauge
        && (fields.low.is_some_and(|l| v < l) || fields.high.is_some_and(|h| v > h))
}

/// Intervals shorter than this say little about a daily rate.
const MIN_INTERVAL_HOURS: i64 = 6;
/// How far back the rate looks.
pub const RATE_WINDOW_DAYS: i64 = 120;

/// The meter's usage per day, robustly: the median of the rates between
/// consecutive readings' totals in the last [`RATE_WINDOW_DAYS`] (each
/// interval weighted by the days it spans, so a month's gap counts as a month,
/// not as one sample), skipping intervals that end in a reset (their use is
/// unknown). `None` with fewer
/// than two usable intervals' worth of readings.
pub fn daily_rate(readings: &[Reading], now: DateTime<Utc>) -> Option<f64> {
    let mut sorted: Vec<&Reading> = readings
        .iter()
        .filter(|r| r.read_at > now - Duration::days(RATE_WINDOW_DAYS))
        .collect();
    sorted.sort_by_key(|r| r.read_at);
    // (rate per day, weight in days)
    let mut rates: Vec<(f64, f64)> = sorted
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w[0], w[1]);
            let hours = (b.read_at - a.read_at).num_minutes() as f64 / 60.0;
            if b.kind == ReadingKind::Reset || hours < MIN_INTERVAL_HOURS as f64 {
                return None;
            }
            let days = hours / 24.0;
            Some(((b.total - a.total) / days, days))
        })
        .collect();
    if rates.is_empty() {
        return None;
    }
    rates.sort_by(|x, y| x.0.total_cmp(&y.0));
    let total: f64 = rates.iter().map(|r| r.1).sum();
    let mut seen = 0.0;
    for (rate, weight) in &rates {
        seen += weight;
        if seen >= total / 2.0 {
            return Some(*rate);
        }
    }
    rates.last().map(|r| r.0)
}

/// The day a cumulative meter's total reaches `target`, at its daily rate
/// from its last reading; the day of that reading if it has already; `None`
/// without a rate (or with none above zero).
pub fn day_reaching(
    readings: &[Reading],
    target: f64,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Option<NaiveDate> {
    let last = readings.iter().max_by_key(|r| r.read_at)?;
    if last.total >= target {
        return Some(last.read_at.with_timezone(&tz).date_naive());
    }
    let rate = daily_rate(readings, now).filter(|r| *r > 0.0)?;
    let days = ((target - last.total) / rate).min(365.0 * 50.0);
    let at = last.read_at + Duration::seconds((days * 86_400.0) as i64);
    Some(at.with_timezone(&tz).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap() + Duration::days(day)
    }

    fn r(day: i64, value: f64) -> Reading {
        Reading {
            id: ReadingId::new(),
            value,
            read_at: at(day),
            kind: ReadingKind::Reading,
            source: ReadingSource::Device,
            total: value,
        }
    }

    fn reset(day: i64, value: f64) -> Reading {
        Reading {
            kind: ReadingKind::Reset,
            ..r(day, value)
        }
    }

    /// Gives each reading of a series its total, as recording them in order would.
    fn counted(mut series: Vec<Reading>) -> Vec<Reading> {
        for i in 0..series.len() {
            let before = i.checked_sub(1).map(|j| series[j].clone());
            let r = &series[i];
            series[i].total = total_of(r.kind, r.value, before.as_ref(), None);
        }
        series
    }

    const KYIV: chrono_tz::Tz = chrono_tz::Europe::Kyiv;

    #[test]
    fn a_steady_meter_reaches_its_target_on_the_day_its_rate_says() {
        // 40 litres a day for 60 days.
        let series: Vec<Reading> = (0..=60).step_by(3).map(|d| r(d, 40.0 * d as f64)).collect();
        let now = at(60);
        assert_eq!(daily_rate(&series, now), Some(40.0));
        // 2,400 read; 4,000 is 40 days on.
        assert_eq!(
            day_reaching(&series, 4000.0, now, KYIV),
            Some(at(100).date_naive())
        );
        // Already past: the day of the reading that passed it.
        assert_eq!(
            day_reaching(&series, 100.0, now, KYIV),
            Some(now.date_naive())
        );
    }

    #[test]
    fn a_reset_starts_the_count_again_without_a_negative_rate() {
        let series = counted(vec![
            r(0, 900.0),
            r(10, 1300.0),
            reset(20, 0.0),
            r(30, 400.0),
            r(40, 800.0),
        ]);
        assert_eq!(daily_rate(&series, at(40)), Some(40.0));
        // The count goes on through the reset: 1,300 then 400 and 800 more.
        let totals: Vec<f64> = series.iter().map(|r| r.total).collect();
        assert_eq!(totals, vec![900.0, 1300.0, 1300.0, 1700.0, 2100.0]);
        assert_eq!(
            day_reaching(&series, 2500.0, at(40), KYIV),
            Some(at(50).date_naive())
        );
    }

    #[test]
    fn a_months_gap_weighs_as_a_month_and_noise_does_not_move_the_median() {
        // A month of nothing read, then daily readings with noise around 50/day.
        let mut series = vec![r(0, 0.0), r(30, 1500.0)];
        let mut v = 1500.0;
        for (i, noise) in [3.0, -4.0, 60.0, -2.0, 1.0, 0.0, -1.0, 2.0]
            .iter()
            .enumerate()
        {
            v += 50.0 + noise;
            series.push(r(31 + i as i64, v));
        }
        let rate = daily_rate(&series, at(40)).unwrap();
        assert!((rate - 50.0).abs() <= 2.0, "{rate}");
    }

    #[test]
    fn a_seasonal_meter_follows_its_recent_months() {
        // Summer: 80 a day, then winter: 20 a day; the window keeps the recent half.
        let mut series = Vec::new();
        let mut v = 0.0;
        for d in 0..=240 {
            series.push(r(d, v));
            v += if d < 120 { 80.0 } else { 20.0 };
        }
        let rate = daily_rate(&series, at(240)).unwrap();
        assert!((rate - 20.0).abs() < 1.0, "{rate}");
    }

    #[test]
    fn too_few_readings_forecast_nothing() {
        assert_eq!(daily_rate(&[r(0, 5.0)], at(1)), None);
        assert_eq!(day_reaching(&[r(0, 5.0)], 100.0, at(1), KYIV), None);
        // Readings an hour apart say nothing of a day.
        let close = vec![
            r(0, 5.0),
            Reading {
                read_at: at(0) + Duration::hours(1),
                ..r(0, 9.0)
            },
        ];
        assert_eq!(daily_rate(&close, at(1)), None);
    }

    #[test]
    fn a_counter_only_goes_down_by_a_reset() {
        let before = r(0, 100.0);
        let after = r(10, 200.0);
        let check =
            |kind, v| check_reading(MeterMode::Cumulative, kind, v, Some(&before), Some(&after));
        assert_eq!(check(ReadingKind::Reading, 150.0), Ok(150.0));
        assert_eq!(
            check(ReadingKind::Reading, 99.0).unwrap_err().field,
            "value"
        );
        assert_eq!(
            check(ReadingKind::Reading, 201.0).unwrap_err().field,
            "value"
        );
        // A reset is the latest reading, never one slipped in before others.
        assert_eq!(check(ReadingKind::Reset, 0.0).unwrap_err().field, "kind");
        assert_eq!(
            check_reading(
                MeterMode::Cumulative,
                ReadingKind::Reset,
                0.0,
                Some(&before),
                None
            ),
            Ok(0.0)
        );
        assert_eq!(
            check(ReadingKind::Reading, -1.0).unwrap_err().field,
            "value"
        );
        assert_eq!(
            check(ReadingKind::Reading, f64::NAN).unwrap_err().field,
            "value"
        );
        assert_eq!(
            check(ReadingKind::Reading, 1e13).unwrap_err().field,
            "value"
        );
        // A gauge reads what it reads, and has nothing to reset.
        assert_eq!(
            check_reading(
                MeterMode::Gauge,
                ReadingKind::Reading,
                -3.5,
                Some(&before),
                None
            ),
            Ok(-3.5)
        );
        assert_eq!(
            check_reading(MeterMode::Gauge, ReadingKind::Reset, 0.0, None, None)
                .unwrap_err()
                .field,
            "kind"
        );
    }

    #[test]
    fn a_reading_is_not_from_the_future_or_the_distant_past() {
        let now = at(0);
        assert!(read_at(now + Duration::minutes(5), now).is_ok());
        assert_eq!(
            read_at(now + Duration::hours(1), now).unwrap_err().field,
            "read_at"
        );
        let y9999 = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap();
        assert_eq!(read_at(y9999, now).unwrap_err().field, "read_at");
        let old = Utc.with_ymd_and_hms(1989, 12, 31, 0, 0, 0).unwrap();
        assert_eq!(read_at(old, now).unwrap_err().field, "read_at");
    }

    #[test]
    fn a_meter_names_its_unit_and_only_a_gauge_has_a_band() {
        let base = MeterFields {
            kind: MeterKind::Litres,
            mode: MeterMode::Cumulative,
            unit: None,
            name: None,
            low: None,
            high: None,
        };
        assert_eq!(base.clone().normalise().unwrap().unit.as_deref(), Some("L"));
        let field = |f: MeterFields| f.normalise().unwrap_err().field;
        assert_eq!(
            field(MeterFields {
                unit: Some("gallons".into()),
                ..base.clone()
            }),
            "unit"
        );
        assert_eq!(
            field(MeterFields {
                kind: MeterKind::Custom,
                ..base.clone()
            }),
            "unit"
        );
        assert_eq!(
            field(MeterFields {
                low: Some(1.0),
                ..base.clone()
            }),
            "low"
        );
        let gauge = MeterFields {
            kind: MeterKind::Custom,
            unit: Some("bar".into()),
            mode: MeterMode::Gauge,
            ..base
        };
        assert_eq!(
            field(MeterFields {
                low: Some(3.0),
                high: Some(1.0),
                ..gauge.clone()
            }),
            "high"
        );
        let ok = MeterFields {
            low: Some(1.0),
            high: Some(6.0),
            ..gauge
        }
        .normalise()
        .unwrap();
        assert!(out_of_band(&ok, 0.8));
        assert!(!out_of_band(&ok, 3.0));
    }
}
