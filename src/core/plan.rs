//! Maintenance plans: what is due for a piece of equipment and how often, and the
//! arithmetic of its due dates (the scheduler and the API share it).

use crate::core::ids::{MeterId, PlanId};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::recurrence::{add_interval, CalendarRule, IntervalUnit};
use super::text::{self, SHORT};
use super::work_order::{check_minutes, check_scope, check_skills, ScopeLine};
use super::ValidationError;
use crate::core::fields::text_enum;

text_enum! {
    /// A calendar rule, an interval counted from the last completed service,
    /// so many units of a meter since it (`usage`), or whichever of those
    /// two comes first (`usage_or_time`).
    pub enum RecurrenceKind {
        Calendar => "calendar",
        AfterCompletion => "after_completion",
        Usage => "usage",
        UsageOrTime => "usage_or_time",
    }
}

fn fourteen() -> i32 {
    14
}

fn yes() -> bool {
    true
}

/// What a manager sets on a plan; an update is a merge patch of these.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanFields {
    /// What is done: "cartridge change", "annual boiler service".
    pub service_kind: String,
    /// The work order's scope when the reminder is converted.
    #[serde(default)]
    pub scope_lines: Vec<ScopeLine>,
    #[serde(default)]
    pub estimated_minutes: Option<i32>,
    #[serde(default)]
    pub required_skills: Vec<String>,
    /// Days before the due date that the reminder appears (0 to 365, default 14).
    #[serde(default = "fourteen")]
    pub lead_days: i32,
    /// Tell the customer when it comes due (through the outbox).
    #[serde(default)]
    pub notify_customer: bool,
    /// A paused plan produces nothing until resumed.
    #[serde(default = "yes")]
    pub active: bool,
    /// No due dates after this day.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    pub recurrence: RecurrenceKind,
    /// For `calendar`: an RFC 5545 RRULE such as `FREQ=MONTHLY;INTERVAL=6`.
    #[serde(default)]
    pub rrule: Option<String>,
    /// For `calendar`: the first day the rule counts from.
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    /// For `after_completion` and `usage_or_time`: how many days, weeks or
    /// months after the last completed service.
    #[serde(default)]
    pub every: Option<i32>,
    #[serde(default)]
    pub unit: Option<IntervalUnit>,
    /// For `usage` and `usage_or_time`: the piece's cumulative meter counted.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub meter_id: Option<MeterId>,
    /// For `usage` and `usage_or_time`: the meter's units between services
    /// (2,000 litres through a cartridge).
    #[serde(default)]
    pub every_units: Option<f64>,
}

/// The parsed recurrence of a plan.
#[derive(Debug, Clone)]
pub enum Schedule {
    Calendar(Box<CalendarRule>),
    AfterCompletion {
        every: u32,
        unit: IntervalUnit,
    },
    /// Due when the meter has counted `every_units` since the last service;
    /// its day comes from the readings' forecast, not from the calendar.
    Usage {
        every_units: f64,
    },
    /// Whichever comes first: the units, or the interval after the last service.
    UsageOrTime {
        every_units: f64,
        every: u32,
        unit: IntervalUnit,
    },
}

/// The time part of a plan: so many days, weeks or months, both named.
fn interval(f: &PlanFields, kind: &str) -> Result<(u32, IntervalUnit), ValidationError> {
    let every = f
        .every
        .ok_or_else(|| ValidationError::new("every", format!("is required for {kind} plan")))?;
    if !(1..=1000).contains(&every) {
        return Err(ValidationError::new("every", "must be between 1 and 1000"));
    }
    let unit = f
        .unit
        .ok_or_else(|| ValidationError::new("unit", "is required: days, weeks or months"))?;
    Ok((every as u32, unit))
}

/// The usage part of a plan: its meter named and its units a positive number.
fn units(f: &PlanFields) -> Result<f64, ValidationError> {
    if f.meter_id.is_none() {
        return Err(ValidationError::new(
            "meter_id",
            "is required for a usage plan: the piece's cumulative meter",
        ));
    }
    match f.every_units {
        Some(u) if u.is_finite() && u > 0.0 && u <= super::meter::MAX_VALUE => Ok(u),
        Some(_) => Err(ValidationError::new(
            "every_units",
            "must be a number above zero",
        )),
        None => Err(ValidationError::new(
            "every_units",
            "is required for a usage plan: the meter's units between services",
        )),
    }
}

impl PlanFields {
    /// Checks every value; returns the fields in canonical form and the parsed schedule.
    /// Bounds the days a person entered around `today` (see [`super::dates`]):
    /// checked where a plan is written, not where a stored one is read.
    pub fn check_days(&self, today: NaiveDate) -> Result<(), ValidationError> {
        use super::dates::{check_optional_day, Span};
        check_optional_day("starts_on", self.starts_on, today, Span::Any)?;
        check_optional_day("ends_on", self.ends_on, today, Span::Any)?;
        Ok(())
    }

    pub fn normalise(self) -> Result<(PlanFields, Schedule), ValidationError> {
        let (scope_lines, _) = check_scope("scope_lines", &self.scope_lines)?;
        if !(0..=365).contains(&self.lead_days) {
            return Err(ValidationError::new(
                "lead_days",
                "must be between 0 and 365",
            ));
        }
        let schedule = match self.recurrence {
            RecurrenceKind::Calendar => {
                let rule = self.rrule.as_deref().ok_or_else(|| {
                    ValidationError::new("rrule", "is required for a calendar plan")
                })?;
                let starts_on = self.starts_on.ok_or_else(|| {
                    ValidationError::new("starts_on", "is required for a calendar plan")
                })?;
                Schedule::Calendar(Box::new(CalendarRule::parse("rrule", rule, starts_on)?))
            }
            RecurrenceKind::AfterCompletion => {
                let (every, unit) = interval(&self, "an after-completion")?;
                Schedule::AfterCompletion { every, unit }
            }
            RecurrenceKind::Usage => Schedule::Usage {
                every_units: units(&self)?,
            },
            RecurrenceKind::UsageOrTime => {
                let every_units = units(&self)?;
                let (every, unit) = interval(&self, "a usage-or-time")?;
                Schedule::UsageOrTime {
                    every_units,
                    every,
                    unit,
                }
            }
        };
        let (rrule, starts_on, every, unit) = match &schedule {
            Schedule::Calendar(rule) => (Some(rule.text.clone()), self.starts_on, None, None),
            Schedule::AfterCompletion { every, unit }
            | Schedule::UsageOrTime { every, unit, .. } => {
                (None, None, Some(*every as i32), Some(*unit))
            }
            Schedule::Usage { .. } => (None, None, None, None),
        };
        let (meter_id, every_units) = match &schedule {
            Schedule::Usage { every_units } | Schedule::UsageOrTime { every_units, .. } => {
                (self.meter_id.clone(), Some(*every_units))
            }
            _ => (None, None),
        };
        let fields = PlanFields {
            service_kind: text::required("service_kind", &self.service_kind, SHORT)?,
            scope_lines,
            estimated_minutes: check_minutes("estimated_minutes", self.estimated_minutes)?,
            required_skills: check_skills("required_skills", &self.required_skills)?,
            lead_days: self.lead_days,
            notify_customer: self.notify_customer,
            active: self.active,
            ends_on: self.ends_on,
            recurrence: self.recurrence,
            rrule,
            starts_on,
            every,
            unit,
            meter_id,
            every_units,
        };
        Ok((fields, schedule))
    }
}

impl Schedule {
    /// The first due date of a new or changed plan by the calendar.
    ///
    /// A calendar plan does not invent occurrences before today (or before its start);
    /// an after-completion plan counts from the last completion, else from the
    /// installation (`base`), and may be due already. A usage plan has no
    /// calendar day: its day is the forecast's (see [`super::usage`]); a
    /// usage-or-time plan's time part counts as an after-completion plan.
    pub fn first_due(&self, today: NaiveDate, base: NaiveDate) -> Option<NaiveDate> {
        match self {
            Schedule::Calendar(rule) => rule.first_on_or_after(today),
            Schedule::AfterCompletion { every, unit }
            | Schedule::UsageOrTime { every, unit, .. } => add_interval(base, *every, *unit),
            Schedule::Usage { .. } => None,
        }
    }

    /// The meter's units between services, for a plan by use.
    pub fn every_units(&self) -> Option<f64> {
        match self {
            Schedule::Usage { every_units } | Schedule::UsageOrTime { every_units, .. } => {
                Some(*every_units)
            }
            _ => None,
        }
    }

    /// Whether the next due date waits for a service once its reminder exists.
    pub fn waits_for_service(&self) -> bool {
        !matches!(self, Schedule::Calendar(_))
    }

    /// The due date that follows `due` once its reminder exists: the next occurrence
    /// of a calendar rule; none for an after-completion plan, which waits for the service.
    pub fn after_generated(&self, due: NaiveDate) -> Option<NaiveDate> {
        match self {
            Schedule::Calendar(rule) => rule.first_on_or_after(due.checked_add_days(Days::new(1))?),
            _ => None,
        }
    }

    /// The due dates from `from` (inclusive) to `until` (inclusive), at most `limit`:
    /// every occurrence of a calendar rule; just `from` for an after-completion plan.
    pub fn due_between(&self, from: NaiveDate, until: NaiveDate, limit: usize) -> Vec<NaiveDate> {
        match self {
            Schedule::Calendar(rule) => rule.between(from, until, limit),
            _ if from <= until => vec![from],
            _ => vec![],
        }
    }

    /// The next `n` due dates from `next_due`, supposing each service is done
    /// on its due date; only the next one for a plan by use, whose later days
    /// depend on readings not yet taken.
    pub fn preview(&self, next_due: NaiveDate, n: usize) -> Vec<NaiveDate> {
        let mut out = vec![next_due];
        while out.len() < n {
            let last = out[out.len() - 1];
            let next = match self {
                Schedule::Calendar(_) => self.after_generated(last),
                Schedule::AfterCompletion { every, unit } => add_interval(last, *every, *unit),
                Schedule::Usage { .. } | Schedule::UsageOrTime { .. } => None,
            };
            match next {
                Some(d) => out.push(d),
                None => break,
            }
        }
        out
    }
}

/// The day a reminder for `due` appears: `lead_days` before it.
pub fn appear_on(due: NaiveDate, lead_days: i32) -> NaiveDate {
    due.checked_sub_days(Days::new(lead_days.max(0) as u64))
        .unwrap_or(due)
}

/// A due date still within the plan's end, if any.
pub fn within_end(due: Option<NaiveDate>, ends_on: Option<NaiveDate>) -> Option<NaiveDate> {
    due.filter(|d| ends_on.is_none_or(|end| *d <= end))
}

/// A usage plan's meter against its threshold, as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsageStanding {
    /// The meter's total at the last service (or when the plan began).
    pub baseline_total: f64,
    /// The total at which the next service is due.
    pub threshold_total: f64,
    /// The day the readings say the threshold is reached; none until there
    /// are enough of them.
    pub forecast_on: Option<NaiveDate>,
}

/// A plan as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MaintenancePlan {
    pub id: PlanId,
    pub equipment_id: String,
    pub customer_id: String,
    #[serde(flatten)]
    pub fields: PlanFields,
    pub last_completed_on: Option<NaiveDate>,
    /// The next due date without a reminder yet; absent while waiting for a service or after the end.
    pub next_due_on: Option<NaiveDate>,
    /// The next five due dates, supposing each service is done on time.
    pub preview: Vec<NaiveDate>,
    /// For a plan by use: where its meter stands against it.
    pub usage: Option<UsageStanding>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn after(every: i32, unit: &str) -> PlanFields {
        serde_json::from_value(serde_json::json!({
            "service_kind": "cartridge change", "recurrence": "after_completion", "every": every, "unit": unit
        }))
        .unwrap()
    }

    #[test]
    fn after_completion_counts_from_the_last_service() {
        let (_, s) = after(6, "months").normalise().unwrap();
        assert_eq!(
            s.first_due(d(2026, 11, 23), d(2026, 1, 31)),
            Some(d(2026, 7, 31))
        );
        assert_eq!(
            s.after_generated(d(2026, 7, 31)),
            None,
            "waits for the service"
        );
        assert_eq!(
            s.preview(d(2027, 8, 31), 3),
            vec![d(2027, 8, 31), d(2028, 2, 29), d(2028, 8, 29)]
        );
    }

    #[test]
    fn calendar_plans_start_at_today_or_later() {
        let f: PlanFields = serde_json::from_value(serde_json::json!({
            "service_kind": "boiler", "recurrence": "calendar", "rrule": "FREQ=MONTHLY;INTERVAL=6", "starts_on": "2025-01-10"
        }))
        .unwrap();
        let (f, s) = f.normalise().unwrap();
        assert_eq!(f.lead_days, 14);
        assert_eq!(
            s.first_due(d(2026, 11, 23), d(2020, 1, 1)),
            Some(d(2027, 1, 10))
        );
        assert_eq!(s.after_generated(d(2027, 1, 10)), Some(d(2027, 7, 10)));
        assert_eq!(s.preview(d(2027, 1, 10), 5).len(), 5);
    }

    #[test]
    fn missing_parts_are_named() {
        let mut f = after(6, "months");
        f.every = None;
        assert_eq!(f.normalise().unwrap_err().field, "every");
        let mut f = after(6, "months");
        f.recurrence = RecurrenceKind::Calendar;
        assert_eq!(f.normalise().unwrap_err().field, "rrule");
        let mut f = after(6, "months");
        f.lead_days = 400;
        assert_eq!(f.normalise().unwrap_err().field, "lead_days");
    }

    #[test]
    fn ends_and_lead_days() {
        assert_eq!(appear_on(d(2027, 1, 10), 14), d(2026, 12, 27));
        assert_eq!(within_end(Some(d(2027, 1, 10)), Some(d(2027, 1, 1))), None);
        assert_eq!(within_end(Some(d(2027, 1, 10)), None), Some(d(2027, 1, 10)));
    }

    #[test]
    fn a_usage_plan_names_its_meter_and_units_and_keeps_only_its_own_fields() {
        let usage = |v: serde_json::Value| -> PlanFields { serde_json::from_value(v).unwrap() };
        let field = |v| usage(v).normalise().unwrap_err().field;
        let meter = MeterId::new();
        assert_eq!(
            field(
                serde_json::json!({"service_kind": "cartridge", "recurrence": "usage", "every_units": 2000.0})
            ),
            "meter_id"
        );
        for bad in [0.0, -5.0, 1e13] {
            assert_eq!(
                field(
                    serde_json::json!({"service_kind": "cartridge", "recurrence": "usage", "meter_id": meter, "every_units": bad})
                ),
                "every_units"
            );
        }
        assert_eq!(
            field(
                serde_json::json!({"service_kind": "cartridge", "recurrence": "usage_or_time", "meter_id": meter, "every_units": 2000.0})
            ),
            "every"
        );
        let (f, s) = usage(serde_json::json!({
            "service_kind": "cartridge", "recurrence": "usage", "meter_id": meter,
            "every_units": 2000.0, "every": 6, "unit": "months", "rrule": "FREQ=DAILY"
        }))
        .normalise()
        .unwrap();
        assert_eq!(
            (f.every, f.rrule, f.every_units),
            (None, None, Some(2000.0))
        );
        assert_eq!(
            s.first_due(d(2026, 12, 3), d(2026, 1, 1)),
            None,
            "the forecast decides"
        );
        assert!(s.waits_for_service());
        let (f, s) = usage(serde_json::json!({
            "service_kind": "cartridge", "recurrence": "usage_or_time", "meter_id": meter,
            "every_units": 2000.0, "every": 6, "unit": "months"
        }))
        .normalise()
        .unwrap();
        assert_eq!(f.meter_id, Some(meter));
        assert_eq!(
            s.first_due(d(2026, 12, 3), d(2026, 1, 31)),
            Some(d(2026, 7, 31))
        );
        assert_eq!(s.preview(d(2026, 7, 31), 5), vec![d(2026, 7, 31)]);
        // A calendar plan carries no meter.
        let (f, _) = after(6, "months").normalise().unwrap();
        assert_eq!((f.meter_id, f.every_units), (None, None));
    }
}
