//! One cell of a spreadsheet into one JSON value, forgiving of the ways people
//! and other systems write the same thing (`yes`, `1`, `TRUE`; `05.03.2024`,
//! `2024-03-05`; `1 250,50`), strict about anything else.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use super::Cell;

/// The value of a non-empty cell; an empty cell is no value at all. The error
/// says what was expected, for the row's report.
pub fn read(cell: Cell, raw: &str) -> Result<Option<Value>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Ok(Some(match cell {
        Cell::Text | Cell::Ref(_) => {
            Value::String(crate::core::text::from_spreadsheet_cell(raw).to_owned())
        }
        Cell::List | Cell::Refs(_) => {
            Value::Array(list(raw).into_iter().map(Value::String).collect())
        }
        Cell::Bool => Value::Bool(boolean(raw)?),
        Cell::Integer => Value::from(integer(raw)?),
        Cell::Number => Value::from(number(raw)?),
        Cell::Date => Value::String(date(raw)?.to_string()),
        Cell::Time => Value::String(time(raw)?.to_rfc3339()),
        Cell::Money => Value::from(money(raw)?),
    }))
}

/// `a; b;c` or a JSON array of strings, as Orderly's own export writes lists.
pub fn list(raw: &str) -> Vec<String> {
    if raw.starts_with('[') {
        if let Ok(items) = serde_json::from_str::<Vec<String>>(raw) {
            return items;
        }
    }
    raw.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn boolean(raw: &str) -> Result<bool, String> {
    match raw.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" | "x" => Ok(true),
        "false" | "no" | "n" | "0" | "f" => Ok(false),
        _ => Err(format!("`{raw}` is not yes or no (true/false, 1/0)")),
    }
}

/// A decimal with `.` or `,` as the point and spaces between thousands.
fn number(raw: &str) -> Result<f64, String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let cleaned = if cleaned.contains('.') {
        cleaned.replace(',', "")
    } else {
        cleaned.replace(',', ".")
    };
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| format!("`{raw}` is not a number"))
}

/// Whole numbers; `12.0` is what a spreadsheet stores for 12.
fn integer(raw: &str) -> Result<i64, String> {
    let n = number(raw).map_err(|_| format!("`{raw}` is not a whole number"))?;
    if n.fract() != 0.0 || n.abs() > 1e15 {
        return Err(format!("`{raw}` is not a whole number"));
    }
    Ok(n as i64)
}

/// Major units to minor units (two decimals), rounded half away from zero.
fn money(raw: &str) -> Result<i64, String> {
    let n = number(raw).map_err(|_| format!("`{raw}` is not an amount such as 1250.50"))?;
    if n.abs() > 1e13 {
        return Err(format!("`{raw}` is too large an amount"));
    }
    Ok((n * 100.0).round() as i64)
}

fn date(raw: &str) -> Result<NaiveDate, String> {
    ["%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(raw, f).ok())
        .or_else(|| time(raw).ok().map(|t| t.date_naive()))
        .ok_or_else(|| format!("`{raw}` is not a date such as 2024-03-05"))
}

/// How people and systems write a moment without an offset.
const NAIVE_MOMENTS: [&str; 5] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d.%m.%Y %H:%M",
];

fn naive_moment(raw: &str) -> Option<NaiveDateTime> {
    NAIVE_MOMENTS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
}

/// RFC 3339, or a UTC moment without an offset (Orderly's export, spreadsheets).
fn time(raw: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    naive_moment(raw).map(|t| t.and_utc()).ok_or_else(|| {
        format!("`{raw}` is not a moment such as 2024-03-05 14:30 (UTC) or RFC 3339")
    })
}

/// RFC 3339, or a moment without an offset read on the company's clock (a
/// log kept by people): a time the clock skipped (spring forward) is refused,
/// a time it showed twice (autumn back) is the first of the two.
pub fn local_time(raw: &str, tz: chrono_tz::Tz) -> Result<DateTime<Utc>, String> {
    use chrono::TimeZone;
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = naive_moment(raw)
        .ok_or_else(|| format!("`{raw}` is not a moment such as 2024-03-05 14:30 or RFC 3339"))?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("`{raw}` does not exist on the clocks of {tz} (they moved forward)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_local_moment_is_read_on_the_companys_clock_across_dst() {
        let kyiv = chrono_tz::Europe::Kyiv;
        let at = |raw| local_time(raw, kyiv).map(|t| t.to_rfc3339());
        assert_eq!(at("2026-01-15 10:00").unwrap(), "2026-01-15T08:00:00+00:00");
        assert_eq!(at("2026-07-15 10:00").unwrap(), "2026-07-15T07:00:00+00:00");
        // 29 March 2026: 03:00 became 04:00 in Kyiv.
        assert!(at("2026-03-29 03:30")
            .unwrap_err()
            .contains("moved forward"));
        // 25 October 2026: 03:30 was shown twice; the first is summer time.
        assert_eq!(at("2026-10-25 03:30").unwrap(), "2026-10-25T00:30:00+00:00");
        assert_eq!(
            at("2026-10-25T03:30:00Z").unwrap(),
            "2026-10-25T03:30:00+00:00"
        );
        assert!(at("yesterday").is_err());
    }

    fn ok(cell: Cell, raw: &str) -> Value {
        read(cell, raw).unwrap().unwrap()
    }

    #[test]
    fn empty_cells_are_no_value() {
        assert_eq!(read(Cell::Integer, "  ").unwrap(), None);
    }

    #[test]
    fn lists_split_on_semicolons_or_read_json() {
        assert_eq!(ok(Cell::List, "VIP; north ;"), json!(["VIP", "north"]));
        assert_eq!(ok(Cell::List, r#"["a;b","c"]"#), json!(["a;b", "c"]));
    }

    #[test]
    fn numbers_take_either_decimal_point() {
        assert_eq!(ok(Cell::Number, "50,45"), json!(50.45));
        assert_eq!(ok(Cell::Money, "1 250,50"), json!(125050));
        assert_eq!(ok(Cell::Money, "1,250.50"), json!(125050));
        assert_eq!(ok(Cell::Integer, "12.0"), json!(12));
        assert!(read(Cell::Integer, "12.5").unwrap_err().contains("whole"));
        assert!(read(Cell::Number, "NaN").is_err());
    }

    #[test]
    fn dates_and_times_in_common_spellings() {
        assert_eq!(ok(Cell::Date, "05.03.2024"), json!("2024-03-05"));
        assert_eq!(ok(Cell::Date, "2024-03-05 10:00:00"), json!("2024-03-05"));
        assert_eq!(
            ok(Cell::Time, "2024-03-05T10:00:00+02:00"),
            json!("2024-03-05T08:00:00+00:00")
        );
        assert_eq!(
            ok(Cell::Time, "2024-03-05 10:00:00.123"),
            json!("2024-03-05T10:00:00.123+00:00")
        );
        assert!(read(Cell::Date, "March 5")
            .unwrap_err()
            .contains("2024-03-05"));
    }

    #[test]
    fn booleans() {
        assert_eq!(ok(Cell::Bool, "Yes"), json!(true));
        assert_eq!(ok(Cell::Bool, "0"), json!(false));
        assert!(read(Cell::Bool, "maybe").is_err());
    }
}
