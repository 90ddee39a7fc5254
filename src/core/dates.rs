//! The dates the API takes, bounded to what a service company can mean: a visit
//! in year 9999 or 0000 is a typing slip or an attack (an SMS for "Sat 1 Jan"
//! with an expired link), and date arithmetic near chrono's limits overflows.
//!
//! Every day a person enters lies between 1 January 1990 and ten years after
//! today; tighter where the domain says so: what has happened (installation,
//! a past service) is not in the future, and a visit is booked no earlier than a
//! day ago (a visit booked while the engineer is already on the way, or across
//! the office's midnight) and no later than two years ahead: a visit is a slot in
//! an engineer's day, and nobody holds one further out; longer cycles (a lift's
//! five-yearly inspection) are plans, which remind the office in time.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};

use super::ValidationError;

/// The earliest year any entered date may have.
pub const EARLIEST_YEAR: i32 = 1990;
/// How many years ahead of today a date may lie.
pub const YEARS_AHEAD: u32 = 10;
/// How far ahead a visit may be booked.
pub const VISIT_MONTHS_AHEAD: u32 = 24;
/// How far back a visit's start may lie when it is booked.
pub const VISIT_DAYS_BACK: i64 = 1;

/// Which days a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// 1990 to today: what has happened (installed on, last serviced on).
    Past,
    /// 1990 to ten years ahead: plans, promises, report ranges.
    Any,
    /// Today to ten years ahead: postponing, snoozing.
    Ahead,
}

fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(EARLIEST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn latest(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(12 * YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX)
}

/// The day, if it lies in the span around `today`; else a 422 naming the field.
pub fn check_day(
    field: &str,
    day: NaiveDate,
    today: NaiveDate,
    span: Span,
) -> Result<NaiveDate, ValidationError> {
    let (from, to) = match span {
        Span::Past => (earliest(), today),
        Span::Any => (earliest(), latest(today)),
        Span::Ahead => (today, latest(today)),
    };
    if day < from || day > to {
        return Err(ValidationError::new(
            field,
            format!("must be between {from} and {to}"),
        ));
    }
    Ok(day)
}

/// As [`check_day`] for an optional day.
pub fn check_optional_day(
    field: &str,
    day: Option<NaiveDate>,
    today: NaiveDate,
    span: Span,
) -> Result<Option<NaiveDate>, ValidationError> {
    day.map(|d| check_day(field, d, today, span)).transpose()
}

/// A visit's start: no earlier than a day before `now`, no later than two
/// years ahead.
/// The company's local month of a moment, `YYYY-MM`: what a month of
/// figures counts, in the company's zone and not in UTC.
pub fn local_month(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m").to_string()
}

pub fn check_visit_start(
    field: &str,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ValidationError> {
    let from = now - Duration::days(VISIT_DAYS_BACK);
    let to = now
        .checked_add_months(Months::new(VISIT_MONTHS_AHEAD))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    if start < from || start > to {
        return Err(ValidationError::new(
            field,
            format!(
                "a visit is booked between {} and {}",
                from.date_naive(),
                to.date_naive()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_the_companys_not_utcs() {
        use chrono::TimeZone;
        let kyiv = chrono_tz::Europe::Kyiv;
        // 30 November 22:30 UTC is already 1 December in Kyiv (UTC+2 in winter).
        let late = Utc.with_ymd_and_hms(2026, 11, 30, 22, 30, 0).unwrap();
        assert_eq!(local_month(late, kyiv), "2026-12");
        assert_eq!(local_month(late, chrono_tz::UTC), "2026-11");
        // 31 March 21:30 UTC, after the change to summer time (UTC+3): 1 April.
        let summer = Utc.with_ymd_and_hms(2026, 3, 31, 21, 30, 0).unwrap();
        assert_eq!(local_month(summer, kyiv), "2026-04");
        let before = Utc.with_ymd_and_hms(2026, 3, 31, 20, 59, 0).unwrap();
        assert_eq!(local_month(before, kyiv), "2026-03");
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn days_outside_their_span_name_the_field() {
        let today = day("2026-12-02");
        let err = check_day("installed_on", day("9999-12-31"), today, Span::Past).unwrap_err();
        assert_eq!(err.field, "installed_on");
        assert!(check_day("x", day("0000-01-01"), today, Span::Any).is_err());
        assert!(check_day("x", day("1989-12-31"), today, Span::Any).is_err());
        assert!(check_day("x", day("1990-01-01"), today, Span::Any).is_ok());
        assert!(check_day("x", day("2036-12-02"), today, Span::Any).is_ok());
        assert!(check_day("x", day("2036-12-03"), today, Span::Any).is_err());
        assert!(check_day("x", day("2026-12-03"), today, Span::Past).is_err());
        assert!(check_day("x", day("2026-12-01"), today, Span::Ahead).is_err());
        assert!(check_day("x", NaiveDate::MAX, NaiveDate::MAX, Span::Any).is_ok());
    }

    #[test]
    fn visits_are_booked_from_a_day_back_to_two_years_ahead() {
        let now: DateTime<Utc> = "2026-12-02T10:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert!(check_visit_start("start", at("2026-12-01T10:00:00Z"), now).is_ok());
        assert!(check_visit_start("start", at("2026-12-01T09:59:59Z"), now).is_err());
        assert!(check_visit_start("start", at("2028-12-02T10:00:00Z"), now).is_ok());
        assert!(check_visit_start("start", at("2028-12-02T10:00:01Z"), now).is_err());
        assert!(check_visit_start("start", at("2025-12-02T11:00:00Z"), now).is_err());
        assert!(check_visit_start("start", at("0000-01-01T09:00:00Z"), now).is_err());
        assert!(check_visit_start("start", at("9999-12-31T09:00:00Z"), now).is_err());
    }
}
