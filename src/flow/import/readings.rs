//! Importing a file of meter readings (a meter's log, another system's
//! history): every row checked first and every bad one reported with its line;
//! then each meter's readings recorded together, as a device's batch is,
//! against the readings stored already — all of the file, or nothing. Plans
//! counting the meters look again at their forecasts once.

use std::cell::Cell;
use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::sheet::Sheet;
use crate::core::ids::MeterId;
use crate::core::import::readings::{columns, row};
use crate::core::import::RowError;
use crate::core::meter::{NewReading, ReadingSource};
use crate::error::AppError;
use crate::flow::{meters, Actor};
use crate::store::{transaction, DbConnection};

/// What importing (or trying to import) a file of readings did.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ReadingsReport {
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Readings new to Orderly (or that would be, on a dry run).
    pub accepted: usize,
    /// Readings Orderly had already, the same value at the same moment.
    pub duplicates: usize,
    /// Every bad row; when there is one, nothing was written.
    pub errors: Vec<RowError>,
    /// Whether the readings were written: never on a dry run or with a bad row.
    pub written: bool,
}

/// A refused reading as its row's error.
fn at_line(line: usize, e: AppError) -> RowError {
    let (field, message) = match e {
        AppError::Invalid(v) => (Some(v.field), v.message),
        AppError::Conflict { message, .. } => (None, message),
        AppError::NotFound { .. } => (
            Some("meter_id".to_owned()),
            "no meter has this id".to_owned(),
        ),
        other => (None, other.to_string()),
    };
    RowError {
        line,
        field,
        column: None,
        message,
    }
}

/// Reads and records the file's readings.
pub fn run(
    conn: &mut DbConnection,
    actor: &Actor,
    sheet: &Sheet,
    dry_run: bool,
) -> Result<ReadingsReport, AppError> {
    let mut report = ReadingsReport {
        dry_run,
        rows: sheet.rows.len() + sheet.problems.len(),
        errors: sheet.problems.clone(),
        ..Default::default()
    };
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let cols = match columns(&sheet.headers) {
        Ok(cols) => cols,
        Err(errors) => {
            report.errors = errors;
            return Ok(report);
        }
    };
    let mut by_meter: BTreeMap<MeterId, Vec<(usize, NewReading)>> = BTreeMap::new();
    for (line, cells) in &sheet.rows {
        match row(cols, &sheet.headers, *line, cells, actor.timezone) {
            Ok((meter, reading)) => by_meter.entry(meter).or_default().push((*line, reading)),
            Err(e) => report.errors.push(e),
        }
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let outcome = transaction(conn, |conn| {
        for (meter, rows) in &by_meter {
            let sent: Vec<NewReading> = rows.iter().map(|(_, r)| r.clone()).collect();
            // The line of the reading refused, when one is.
            let refused = Cell::new(rows[0].0);
            let answers =
                meters::record_many(conn, actor, meter, &sent, ReadingSource::Import, |k, e| {
                    refused.set(rows[k].0);
                    e
                });
            match answers {
                Ok(answers) => {
                    let new = answers.iter().filter(|(_, created)| *created).count();
                    report.accepted += new;
                    report.duplicates += answers.len() - new;
                }
                Err(e) => report.errors.push(at_line(refused.get(), e)),
            }
        }
        if dry_run || !report.errors.is_empty() {
            return Err(AppError::conflict("rolled_back", "nothing kept"));
        }
        Ok(())
    });
    match outcome {
        Ok(()) => report.written = true,
        Err(AppError::Conflict {
            code: "rolled_back",
            ..
        }) => {}
        Err(e) => return Err(e),
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}
