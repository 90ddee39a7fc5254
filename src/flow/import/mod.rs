//! Import: files of another system's rows into Orderly, each file all or
//! nothing, every bad row reported with its line, field and reason.
//!
//! A run checks every row of a file first (cells, mapping, references, the
//! API's rules); a file with any bad row writes nothing. A good file is written
//! in one transaction. A dry run does all of it, writes included (so what only
//! the database can say is said too), then rolls everything back. A folder of
//! files is read in dependency order, so sites find the customers of the same run.

pub mod readings;
pub mod record;
pub mod sheet;
pub mod write;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::{json, Map, Value};

use self::record::{Context, Record};
use self::sheet::Sheet;
use self::write::Writer;
use super::Actor;
use crate::core::import::cell;
use crate::core::import::mapping::{self, Layout, Mapping};
use crate::core::import::{Cell, Entity, FileReport, RowError};
use crate::core::{ids, InputContext};
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::{customers, import_keys, now, rollups, transaction, users, DbConnection};

/// The source name: what the other system is called in the keys.
pub fn check_source(source: Option<&str>) -> Result<String, AppError> {
    let source = source.unwrap_or("import").trim();
    let ok = !source.is_empty()
        && source.len() <= 64
        && source
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(AppError::BadRequest {
            field: Some("source".into()),
            message: "must be 1 to 64 letters, digits, dots, dashes or underscores".into(),
        });
    }
    Ok(source.to_owned())
}

/// One file to import.
pub struct Input {
    pub entity: Entity,
    pub sheet: Sheet,
    /// How its headers map to fields; by name when empty.
    pub mapping: Mapping,
}

/// How a run goes.
pub struct Options<'a> {
    /// The other system's name: external ids are unique within it.
    pub source: &'a str,
    pub dry_run: bool,
    /// Photos and certificate PDFs named in the files.
    pub folder: Option<&'a Path>,
}

/// The step a file is at, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Checking,
    Writing,
    /// Recomputing the search words of the customers the file touched.
    Indexing,
}

/// Told of progress every so many rows: the file, its step, rows done, rows in all.
pub type Progress<'a> = &'a mut dyn FnMut(Entity, Phase, usize, usize);

/// Our ids of the rows later files may refer to: kind → external id → id.
type Targets = HashMap<&'static str, HashMap<String, String>>;

/// How often progress is told.
const EVERY: usize = 1_000;

/// A row checked and ready: its line, the other system's id, ours if it was
/// imported before, and the record.
struct Prepared {
    line: usize,
    external_id: String,
    existing: Option<String>,
    record: Record,
}

/// Imports the files in dependency order. Files after one with bad rows are
/// not tried (they would refer to what it did not write); on a dry run every
/// file is checked and nothing is kept.
pub fn run(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &InputContext,
    mut files: Vec<Input>,
    options: &Options,
    progress: Progress,
) -> Result<Vec<FileReport>, AppError> {
    files.sort_by_key(|f| Entity::ALL.iter().position(|e| *e == f.entity));
    if !options.dry_run {
        let mut reports = Vec::new();
        for file in &files {
            let report = import_file(conn, actor, input, file, options, progress)?;
            let failed = !report.errors.is_empty();
            reports.push(report);
            if failed {
                break;
            }
        }
        return Ok(reports);
    }
    // A dry run writes everything in one transaction and rolls it back, so a
    // file sees the rows of the files before it, as it would for real.
    let mut reports = Vec::new();
    let rolled_back = transaction(conn, |conn| {
        for file in &files {
            reports.push(import_file(conn, actor, input, file, options, progress)?);
        }
        Err::<(), _>(AppError::conflict("dry_run", "rolled back"))
    });
    match rolled_back {
        Err(AppError::Conflict {
            code: "dry_run", ..
        }) => Ok(reports),
        Err(e) => Err(e),
        Ok(()) => Err(AppError::internal("a dry run committed")),
    }
}

/// Imports one file in one transaction: all its rows, or none.
fn import_file(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &InputContext,
    file: &Input,
    options: &Options,
    progress: Progress,
) -> Result<FileReport, AppError> {
    let mut report = FileReport {
        entity: file.entity.as_str().into(),
        rows: file.sheet.rows.len() + file.sheet.problems.len(),
        ..FileReport::default()
    };
    if !file.sheet.problems.is_empty() {
        report.errors = file.sheet.problems.clone();
        return Ok(report);
    }
    let layout = match mapping::layout(file.entity, &file.sheet.headers, &file.mapping) {
        Ok(layout) => layout,
        Err(errors) => {
            report.errors = errors;
            return Ok(report);
        }
    };
    report.ignored_columns = layout.ignored.clone();
    let staff = match file.entity {
        Entity::Visits => users::emails(conn)?,
        _ => HashMap::new(),
    };
    let ctx = Context {
        input,
        currency: &actor.currency,
        staff: &staff,
    };
    let rows = Rows::new(conn, file.entity, &layout, ctx, options.source)?;
    let errors = check(&rows, &file.sheet, progress);
    if !errors.is_empty() {
        report.errors = errors;
        return Ok(report);
    }
    let mut failed: Option<RowError> = None;
    let result = transaction(conn, |conn| {
        write_all(
            conn,
            actor,
            &rows,
            &file.sheet,
            options,
            &mut report,
            progress,
        )
        .map_err(|(line, e)| match e {
            // What the row says is wrong is reported on its line; a fault of the
            // database or the file store stays a fault (500), not a bad row.
            AppError::Invalid(_)
            | AppError::BadRequest { .. }
            | AppError::Conflict { .. }
            | AppError::NotFound { .. } => {
                failed = Some(row_error(&layout, line, e));
                AppError::conflict("import_row", "a row could not be written")
            }
            other => other,
        })
    });
    match (result, failed) {
        (Ok(()), _) => {
            report.written = !options.dry_run;
            Ok(report)
        }
        (Err(_), Some(error)) => {
            report.created = 0;
            report.updated = 0;
            report.files = 0;
            report.errors = vec![error];
            Ok(report)
        }
        (Err(e), None) => Err(e),
    }
}

/// What checking and writing a file's rows both need: its layout, the ids
/// imported before, the ids later rows refer to, and the company's rules.
struct Rows<'a> {
    entity: Entity,
    layout: &'a Layout,
    known: HashMap<String, String>,
    targets: Targets,
    ctx: Context<'a>,
    source: &'a str,
}

impl<'a> Rows<'a> {
    fn new(
        conn: &mut DbConnection,
        entity: Entity,
        layout: &'a Layout,
        ctx: Context<'a>,
        source: &'a str,
    ) -> Result<Rows<'a>, AppError> {
        let known = import_keys::known(conn, source, entity.as_str())?;
        let mut targets: Targets = HashMap::new();
        for (column, _) in &layout.fields {
            if let Cell::Ref(to) | Cell::Refs(to) = column.cell {
                if let std::collections::hash_map::Entry::Vacant(slot) = targets.entry(to.as_str())
                {
                    slot.insert(import_keys::known(conn, source, to.as_str())?);
                }
            }
        }
        Ok(Rows {
            entity,
            layout,
            known,
            targets,
            ctx,
            source,
        })
    }

    /// One row read as its record, or what is wrong with it.
    fn prepare(&self, line: usize, cells: &[String]) -> Result<Prepared, RowError> {
        let external_id = cells.get(self.layout.external_id).map_or("", |c| c.trim());
        let at = |field: &str, message: String| RowError {
            line,
            field: Some(field.to_owned()),
            column: self.layout.header_of(field),
            message,
        };
        if external_id.is_empty() {
            return Err(at(
                "external_id",
                "is empty: every row needs its id in the other system".into(),
            ));
        }
        let object = row_object(self.layout, cells, &self.targets, self.source)
            .map_err(|(field, message)| at(field, message))?;
        match record::parse(self.entity, object, &self.ctx) {
            Ok(record) => Ok(Prepared {
                line,
                external_id: external_id.to_owned(),
                existing: self.known.get(external_id).cloned(),
                record,
            }),
            Err(e) => Err(row_error(self.layout, line, e.into())),
        }
    }
}

/// Checks every row and reports all the bad ones. The records are not kept:
/// [`write_all`] reads each row again as it writes it, so a large file is held
/// once (as its cells), not twice.
fn check(rows: &Rows, sheet: &Sheet, progress: Progress) -> Vec<RowError> {
    let total = sheet.rows.len();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (n, (line, cells)) in sheet.rows.iter().enumerate() {
        if n % EVERY == 0 {
            progress(rows.entity, Phase::Checking, n, total);
        }
        let line = *line;
        let external_id = cells.get(rows.layout.external_id).map_or("", |c| c.trim());
        if !external_id.is_empty() {
            if let Some(first) = seen.insert(external_id, line) {
                errors.push(RowError {
                    line,
                    field: Some("external_id".into()),
                    column: rows.layout.header_of("external_id"),
                    message: format!("`{external_id}` is on line {first} too: each row once"),
                });
                continue;
            }
        }
        if let Err(e) = rows.prepare(line, cells) {
            errors.push(e);
        }
    }
    progress(rows.entity, Phase::Checking, total, total);
    errors
}

/// The row as the API's JSON object: cells read by their column's kind, the
/// other system's ids turned into ours, defaults filled in.
fn row_object(
    layout: &Layout,
    cells: &[String],
    targets: &Targets,
    source: &str,
) -> Result<Map<String, Value>, (&'static str, String)> {
    let mut object = Map::new();
    let resolve = |to: Entity, external: &str| -> Result<Value, String> {
        targets
            .get(to.as_str())
            .and_then(|m| m.get(external))
            .map(|id| Value::String(id.clone()))
            .ok_or_else(|| {
                format!(
                    "no {} with id `{external}` was imported from `{source}`: import {}.csv first, or fix the id",
                    to.as_str(),
                    to.as_str()
                )
            })
    };
    for (column, i) in &layout.fields {
        let raw = cells.get(*i).map_or("", String::as_str);
        let raw = if raw.trim().is_empty() {
            column.default.unwrap_or("")
        } else {
            raw
        };
        let Some(value) = cell::read(column.cell, raw).map_err(|m| (column.name, m))? else {
            continue;
        };
        let value = match (column.cell, value) {
            (Cell::Ref(to), Value::String(external)) => {
                resolve(to, &external).map_err(|m| (column.name, m))?
            }
            (Cell::Refs(to), Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .map(|v| resolve(to, v.as_str().unwrap_or_default()))
                    .collect::<Result<_, _>>()
                    .map_err(|m| (column.name, m))?,
            ),
            (_, value) => value,
        };
        object.insert(column.name.to_owned(), value);
    }
    for column in &layout.defaults {
        if let (Some(default), false) = (column.default, object.contains_key(column.name)) {
            object.insert(column.name.to_owned(), Value::String(default.to_owned()));
        }
    }
    Ok(object)
}

/// A failure of a row as its report line: the field's header where there is one.
fn row_error(layout: &Layout, line: usize, e: AppError) -> RowError {
    let (field, message) = match e {
        AppError::Invalid(v) => (Some(v.field), v.message),
        AppError::BadRequest { field, message } => (field, message),
        AppError::Conflict { message, .. } => (None, message),
        AppError::NotFound { entity } => {
            (None, format!("refers to a {entity} that does not exist"))
        }
        other => (None, other.to_string()),
    };
    let field = field.filter(|f| !f.is_empty());
    let root = field
        .as_deref()
        .map(|f| f.split(['[', '.']).next().unwrap_or(f).to_owned());
    RowError {
        line,
        column: root.and_then(|r| layout.header_of(&r)),
        field,
        message,
    }
}

/// Writes every row (read again, one at a time, as checked), notes the new
/// external ids and the timeline events, and brings derived data up to date.
/// The failing row's line on error.
fn write_all(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: &Rows,
    sheet: &Sheet,
    options: &Options,
    report: &mut FileReport,
    progress: Progress,
) -> Result<(), (usize, AppError)> {
    let writer = Writer {
        actor,
        folder: options.folder,
        dry_run: options.dry_run,
        at: now(),
    };
    let mut new_keys = Vec::new();
    let mut timeline: Vec<(String, String, String)> = Vec::new();
    let mut touched: HashSet<String> = HashSet::new();
    let entity = rows.entity;
    let total = sheet.rows.len();
    for (n, (line, cells)) in sheet.rows.iter().enumerate() {
        let p = rows.prepare(*line, cells).map_err(|e| {
            let cause = format!(
                "a row checked good failed its second reading: {}",
                e.message
            );
            (*line, AppError::internal(cause))
        })?;
        let id = p.existing.clone().unwrap_or_else(ids::new_id);
        let written = write::write(conn, &writer, &id, p.existing.is_some(), &p.record)
            .map_err(|e| (p.line, e))?;
        if p.existing.is_some() {
            report.updated += 1;
        } else {
            report.created += 1;
            new_keys.push((p.external_id.clone(), written.id.clone()));
        }
        report.files += written.files;
        if let Some(customer_id) = written.customer_id {
            if matches!(entity, Entity::Sites | Entity::Contacts)
                || (entity == Entity::Customers && p.existing.is_some())
            {
                touched.insert(customer_id.clone());
            }
            timeline.push((customer_id, written.id, p.external_id.clone()));
        }
        if (n + 1) % EVERY == 0 || n + 1 == total {
            progress(entity, Phase::Writing, n + 1, total);
        }
    }
    let last_line = sheet.rows.last().map_or(0, |(line, _)| *line);
    let after = |e: AppError| (last_line, e);
    import_keys::add(conn, options.source, entity.as_str(), &new_keys, writer.at).map_err(after)?;
    let kind = entity.record_name();
    let events: Vec<NewEvent> = timeline
        .iter()
        .map(|(customer_id, id, external_id)| NewEvent {
            actor_id: Some(&actor.user_id),
            customer_id: Some(customer_id),
            entity_type: kind,
            entity_id: id,
            action: "imported",
            changes: json!({"source": options.source, "external_id": external_id}),
        })
        .collect();
    events::record_many(conn, &events).map_err(after)?;
    let customers_touched = touched.len();
    for (n, customer_id) in touched.iter().enumerate() {
        let customer_id = ids::typed(customer_id, "customer_id").map_err(AppError::from);
        customers::refresh_search(conn, &customer_id.map_err(after)?).map_err(after)?;
        if (n + 1) % EVERY == 0 || n + 1 == customers_touched {
            progress(entity, Phase::Indexing, n + 1, customers_touched);
        }
    }
    if entity == Entity::WorkOrders && report.updated > 0 {
        // Past completions moved: recount the totals the analytics keep.
        rollups::rebuild(conn).map_err(after)?;
    }
    Ok(())
}
