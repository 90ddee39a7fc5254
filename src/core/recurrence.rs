//! When maintenance falls due: an RFC 5545 calendar rule from a start date, or
//! every N days/weeks/months after the last completed service.

use chrono::{Datelike, Days, Months, NaiveDate, TimeZone};
use rrule::{Frequency, RRule, Tz, Unvalidated};

use super::ValidationError;
use crate::core::fields::text_enum;

text_enum! {
    /// The step of an after-completion plan.
    pub enum IntervalUnit { Days => "days", Weeks => "weeks", Months => "months" }
}

/// `date` plus N units; month steps clamp to the month's end (31 January + 1 month = 28/29 February).
pub fn add_interval(date: NaiveDate, every: u32, unit: IntervalUnit) -> Option<NaiveDate> {
    match unit {
        IntervalUnit::Days => date.checked_add_days(Days::new(every.into())),
        IntervalUnit::Weeks => date.checked_add_days(Days::new(u64::from(every) * 7)),
        IntervalUnit::Months => date.checked_add_months(Months::new(every)),
    }
}

/// A calendar rule checked against its start date: `FREQ=MONTHLY;INTERVAL=6`.
#[derive(Debug, Clone)]
pub struct CalendarRule {
    /// The rule as the user wrote it, normalised (upper case, no `RRULE:` prefix).
    pub text: String,
    starts_on: NaiveDate,
    set: rrule::RRuleSet,
}

impl CalendarRule {
    /// Parses and checks a rule; DTSTART comes from `starts_on`, not from the text.
    pub fn parse(
        field: &str,
        text: &str,
        starts_on: NaiveDate,
    ) -> Result<CalendarRule, ValidationError> {
        let text = text
            .trim()
            .trim_start_matches("RRULE:")
            .trim()
            .to_uppercase();
        if text.is_empty() || text.contains('\n') || text.contains("DTSTART") {
            return Err(ValidationError::new(
                field,
                "must be one RRULE such as FREQ=MONTHLY;INTERVAL=6 (the start date is separate)",
            ));
        }
        let invalid = |e: &dyn std::fmt::Display| {
            ValidationError::new(field, format!("is not a valid RRULE: {e}"))
        };
        let rule: RRule<Unvalidated> = text.parse().map_err(|e| invalid(&e))?;
        if matches!(
            rule.get_freq(),
            Frequency::Hourly | Frequency::Minutely | Frequency::Secondly
        ) {
            return Err(ValidationError::new(
                field,
                "maintenance repeats daily at the most",
            ));
        }
        let clamped = clamp_month_ends(&rule, &text, starts_on);
        let rule: RRule<Unvalidated> = clamped.parse().map_err(|e| invalid(&e))?;
        let start = Tz::UTC
            .with_ymd_and_hms(
                starts_on.year(),
                starts_on.month(),
                starts_on.day(),
                0,
                0,
                0,
            )
            .single()
            .ok_or_else(|| ValidationError::new("starts_on", "is not a valid date"))?;
        let set = rule.build(start).map_err(|e| invalid(&e))?;
        Ok(CalendarRule {
            text,
            starts_on,
            set,
        })
    }

    /// The occurrences from `from` (inclusive) to `until` (inclusive), at most `limit`.
    pub fn between(&self, from: NaiveDate, until: NaiveDate, limit: usize) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        if until < self.starts_on {
            return out;
        }
        for occurrence in &self.set {
            let day = occurrence.date_naive();
            if day > until || out.len() >= limit {
                break;
            }
            if day >= from {
                out.push(day);
            }
        }
        out
    }

    /// The first occurrence on or after `from`, if the rule has one within ten years.
    pub fn first_on_or_after(&self, from: NaiveDate) -> Option<NaiveDate> {
        let until = from.checked_add_months(Months::new(120))?;
        self.between(from, until, 1).into_iter().next()
    }
}

/// RFC 5545 skips months without the start's day (a rule from 31 January has no
/// February); service companies mean "the month's last day" then. A plain monthly
/// (or yearly, from 29 February) rule is rewritten to pick the last existing day
/// up to the start's day: `BYMONTHDAY=28,29,30,31;BYSETPOS=-1`.
fn clamp_month_ends(rule: &RRule<Unvalidated>, text: &str, starts_on: NaiveDate) -> String {
    let plain = rule.get_by_month_day().is_empty()
        && rule.get_by_weekday().is_empty()
        && rule.get_by_set_pos().is_empty()
        && rule.get_by_year_day().is_empty()
        && rule.get_by_week_no().is_empty();
    let day = starts_on.day();
    if !plain || day <= 28 {
        return text.to_owned();
    }
    let days = (28..=day)
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(",");
    match rule.get_freq() {
        Frequency::Monthly if rule.get_by_month().is_empty() || rule.get_by_month().len() > 1 => {
            format!("{text};BYMONTHDAY={days};BYSETPOS=-1")
        }
        Frequency::Yearly if rule.get_by_month().is_empty() && starts_on.month() == 2 => {
            format!("{text};BYMONTH=2;BYMONTHDAY={days};BYSETPOS=-1")
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_six_months() {
        let r = CalendarRule::parse("rrule", "FREQ=MONTHLY;INTERVAL=6", d(2026, 1, 15)).unwrap();
        assert_eq!(
            r.between(d(2026, 1, 1), d(2027, 12, 31), 10),
            vec![
                d(2026, 1, 15),
                d(2026, 7, 15),
                d(2027, 1, 15),
                d(2027, 7, 15)
            ]
        );
    }

    #[test]
    fn month_ends_clamp() {
        let r = CalendarRule::parse("rrule", "rrule:freq=monthly", d(2027, 1, 31)).unwrap();
        assert_eq!(
            r.between(d(2027, 1, 1), d(2027, 4, 30), 10),
            vec![
                d(2027, 1, 31),
                d(2027, 2, 28),
                d(2027, 3, 31),
                d(2027, 4, 30)
            ]
        );
        let leap = CalendarRule::parse("rrule", "FREQ=MONTHLY", d(2028, 1, 30)).unwrap();
        assert_eq!(
            leap.between(d(2028, 2, 1), d(2028, 3, 31), 10),
            vec![d(2028, 2, 29), d(2028, 3, 30)]
        );
        let yearly = CalendarRule::parse("rrule", "FREQ=YEARLY", d(2028, 2, 29)).unwrap();
        assert_eq!(
            yearly.between(d(2028, 1, 1), d(2029, 12, 31), 10),
            vec![d(2028, 2, 29), d(2029, 2, 28)]
        );
        assert_eq!(
            add_interval(d(2027, 1, 31), 1, IntervalUnit::Months),
            Some(d(2027, 2, 28))
        );
        assert_eq!(
            add_interval(d(2028, 1, 31), 1, IntervalUnit::Months),
            Some(d(2028, 2, 29))
        );
    }

    #[test]
    fn explicit_rules_are_kept_as_written() {
        let r = CalendarRule::parse("rrule", "FREQ=MONTHLY;BYDAY=1MO", d(2026, 12, 1)).unwrap();
        assert_eq!(
            r.between(d(2026, 12, 1), d(2027, 2, 28), 5),
            vec![d(2026, 12, 7), d(2027, 1, 4), d(2027, 2, 1)]
        );
        let weekly =
            CalendarRule::parse("rrule", "FREQ=WEEKLY;INTERVAL=2;COUNT=3", d(2026, 12, 1)).unwrap();
        assert_eq!(weekly.between(d(2026, 1, 1), d(2030, 1, 1), 10).len(), 3);
    }

    #[test]
    fn bad_rules_name_the_field() {
        for bad in [
            "",
            "FREQ=SOMETIMES",
            "FREQ=HOURLY",
            "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY",
        ] {
            assert_eq!(
                CalendarRule::parse("rrule", bad, d(2026, 1, 1))
                    .unwrap_err()
                    .field,
                "rrule",
                "{bad}"
            );
        }
    }

    #[test]
    fn intervals_add_days_and_weeks() {
        assert_eq!(
            add_interval(d(2026, 12, 30), 3, IntervalUnit::Days),
            Some(d(2027, 1, 2))
        );
        assert_eq!(
            add_interval(d(2026, 12, 1), 2, IntervalUnit::Weeks),
            Some(d(2026, 12, 15))
        );
    }
}
