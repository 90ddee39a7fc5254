//! A file of meter readings (a meter's log, another system's history): one
//! reading a row, `meter_id`, `read_at`, `value` and an optional `kind`
//! (`reading` or `reset`). Moments without an offset are on the company's clock.

use chrono_tz::Tz;

use super::mapping::header_key;
use super::{cell, RowError};
use crate::core::ids::{MeterId, TypedId};
use crate::core::meter::{NewReading, ReadingKind};

/// Where the fields are in the file's rows.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    meter_id: usize,
    read_at: usize,
    value: usize,
    kind: Option<usize>,
}

fn missing(field: &str) -> RowError {
    RowError {
        line: 1,
        field: Some(field.into()),
        column: None,
        message: format!("the file has no `{field}` column"),
    }
}

/// Finds the columns by their headers (any case, spaces or dashes for `_`).
pub fn columns(headers: &[String]) -> Result<Columns, Vec<RowError>> {
    let find = |name: &str| headers.iter().position(|h| header_key(h) == name);
    let (meter_id, read_at, value) = (find("meter_id"), find("read_at"), find("value"));
    match (meter_id, read_at, value) {
        (Some(meter_id), Some(read_at), Some(value)) => Ok(Columns {
            meter_id,
            read_at,
            value,
            kind: find("kind"),
        }),
        _ => Err([
            ("meter_id", meter_id),
            ("read_at", read_at),
            ("value", value),
        ]
        .into_iter()
        .filter(|(_, at)| at.is_none())
        .map(|(field, _)| missing(field))
        .collect()),
    }
}

/// One row as the meter and the reading it names, or what is wrong with it.
pub fn row(
    cols: Columns,
    headers: &[String],
    line: usize,
    cells: &[String],
    tz: Tz,
) -> Result<(MeterId, NewReading), RowError> {
    let cell = |i: usize| cells.get(i).map_or("", |c| c.trim());
    let bad = |field: &str, i: usize, message: String| RowError {
        line,
        field: Some(field.into()),
        column: headers.get(i).cloned(),
        message,
    };
    let meter_id = MeterId::parse(cell(cols.meter_id)).ok_or_else(|| {
        bad(
            "meter_id",
            cols.meter_id,
            format!("`{}` is not a meter id", cell(cols.meter_id)),
        )
    })?;
    let read_at =
        cell::local_time(cell(cols.read_at), tz).map_err(|m| bad("read_at", cols.read_at, m))?;
    let value = match cell::read(super::Cell::Number, cell(cols.value)) {
        Ok(Some(v)) => v.as_f64().unwrap_or(f64::NAN),
        Ok(None) => return Err(bad("value", cols.value, "is empty".into())),
        Err(m) => return Err(bad("value", cols.value, m)),
    };
    let kind = match cols.kind.map(cell).filter(|k| !k.is_empty()) {
        None => ReadingKind::Reading,
        Some(k) => ReadingKind::parse(&k.to_lowercase()).ok_or_else(|| {
            bad(
                "kind",
                cols.kind.unwrap_or_default(),
                format!("`{k}` is neither `reading` nor `reset`"),
            )
        })?,
    };
    Ok((
        meter_id,
        NewReading {
            value,
            read_at: Some(read_at),
            kind,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_columns_are_found_by_name_and_missing_ones_named() {
        assert!(columns(&headers(&["Meter ID", "Read at", "Value"])).is_ok());
        let errors = columns(&headers(&["meter_id", "when"])).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.clone().unwrap()).collect();
        assert_eq!(fields, ["read_at", "value"]);
    }

    #[test]
    fn a_row_names_its_bad_cell() {
        let h = headers(&["meter_id", "read_at", "value", "kind"]);
        let cols = columns(&h).unwrap();
        let id = MeterId::new().to_string();
        let kyiv = chrono_tz::Europe::Kyiv;
        let line = |cells: &[&str]| {
            let cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
            row(cols, &h, 7, &cells, kyiv)
        };
        let (_, r) = line(&[&id, "15.01.2026 10:00", "1 250,5", "Reset"]).unwrap();
        assert_eq!(r.value, 1250.5);
        assert_eq!(r.kind, ReadingKind::Reset);
        assert_eq!(r.read_at.unwrap().to_rfc3339(), "2026-01-15T08:00:00+00:00");
        for (cells, field) in [
            (vec!["nope", "2026-01-15 10:00", "1"], "meter_id"),
            (vec![&id, "soon", "1"], "read_at"),
            (vec![&id, "2026-01-15 10:00", "=1+1"], "value"),
            (vec![&id, "2026-01-15 10:00", ""], "value"),
            (vec![&id, "2026-01-15 10:00", "1", "refill"], "kind"),
        ] {
            let e = line(&cells).unwrap_err();
            assert_eq!((e.line, e.field.as_deref()), (7, Some(field)), "{cells:?}");
        }
    }
}
