//! The company's data on its way out: every table as CSV or JSON, page by page
//! (so a million orders never sit in memory), a whole export to a folder, and
//! one customer's data on request (the right of access).

use crate::core::ids::CustomerId;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::store::export::{self, Rows, Table};
use crate::store::DbConnection;

/// Rows read per page.
const PAGE: usize = 2_000;

/// How a table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180, a header line of column names; values exactly as stored.
    Csv,
    /// One JSON array of objects, keys in the table's column order.
    Json,
}

impl Format {
    /// From `?format=`.
    pub fn parse(s: &str) -> Result<Format, AppError> {
        match s {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(AppError::invalid("format", "must be csv or json")),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

/// One CSV field: quoted when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

fn csv_value(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => csv_field(s).into_owned(),
        Some(other) => csv_field(&other.to_string()).into_owned(),
    }
}

/// A JSON object with its keys in the columns' order.
fn json_object(columns: &[String], row: &Map<String, Value>) -> String {
    let fields: Vec<String> = columns
        .iter()
        .map(|c| {
            let value = row.get(c).unwrap_or(&Value::Null);
            format!("{}:{value}", Value::String(c.clone()))
        })
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// A table being written, one page at a time.
#[derive(Debug)]
pub struct TableWriter {
    table: Table,
    columns: Vec<String>,
    format: Format,
    after: Option<String>,
    started: bool,
    done: bool,
}

impl TableWriter {
    /// Reads the table's columns; nothing is written yet.
    pub fn open(conn: &mut DbConnection, table: Table, format: Format) -> Result<Self, AppError> {
        Ok(TableWriter {
            columns: export::columns(conn, table)?,
            table,
            format,
            after: None,
            started: false,
            done: false,
        })
    }

    /// The next piece of the file; `None` once all of it was given.
    pub fn next_chunk(&mut self, conn: &mut DbConnection) -> Result<Option<String>, AppError> {
        if self.done {
            return Ok(None);
        }
        let (rows, next) = export::page(
            conn,
            self.table,
            &self.columns,
            Rows::All,
            self.after.as_deref(),
            PAGE,
        )?;
        let mut out = String::new();
        match self.format {
            Format::Csv => {
                if !self.started {
                    let header: Vec<_> = self.columns.iter().map(|c| csv_field(c)).collect();
                    out.push_str(&header.join(","));
                    out.push_str("\r\n");
                }
                for row in &rows {
                    let line: Vec<String> =
                        self.columns.iter().map(|c| csv_value(row.get(c))).collect();
                    out.push_str(&line.join(","));
                    out.push_str("\r\n");
                }
            }
            Format::Json => {
                out.push_str(if self.started { "" } else { "[" });
                for (i, row) in rows.iter().enumerate() {
                    if self.started || i > 0 {
                        out.push(',');
                    }
                    out.push('\n');
                    out.push_str(&json_object(&self.columns, row));
                    self.started = true;
                }
                if next.is_none() {
                    out.push_str("\n]\n");
                }
            }
        }
        self.started = true;
        self.done = next.is_none();
        self.after = next;
        Ok(Some(out))
    }
}

/// A table of an export and its rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct TableCount {
    pub name: String,
    pub rows: i64,
}

/// The exported tables with their rows.
pub fn manifest(conn: &mut DbConnection) -> Result<Vec<TableCount>, AppError> {
    export::TABLES
        .iter()
        .map(|t| {
            Ok(TableCount {
                name: t.name.to_owned(),
                rows: export::count(conn, *t)?,
            })
        })
        .collect()
}

/// Writes every table as `<table>.csv` and `<table>.json` into `dir`, with a
/// `manifest.json` of the tables and their rows; `progress` hears of each table.
pub fn export_to(
    conn: &mut DbConnection,
    dir: &Path,
    mut progress: impl FnMut(&str, i64),
) -> Result<Vec<TableCount>, AppError> {
    std::fs::create_dir_all(dir).map_err(AppError::internal)?;
    // One snapshot for all tables: rows added meanwhile wait for the next export.
    export::snapshot(conn, |conn| {
        let tables = manifest(conn)?;
        for (table, counted) in export::TABLES.iter().zip(&tables) {
            for format in [Format::Csv, Format::Json] {
                let path = dir.join(format!("{}.{}", table.name, format.extension()));
                let file = std::fs::File::create(&path).map_err(AppError::internal)?;
                let mut file = std::io::BufWriter::new(file);
                let mut writer = TableWriter::open(conn, *table, format)?;
                while let Some(chunk) = writer.next_chunk(conn)? {
                    file.write_all(chunk.as_bytes())
                        .map_err(AppError::internal)?;
                }
                file.flush().map_err(AppError::internal)?;
            }
            progress(table.name, counted.rows);
        }
        let manifest = serde_json::json!({
            "exported_at": crate::store::utc(crate::store::now()),
            "tables": tables,
        });
        std::fs::write(dir.join("manifest.json"), manifest.to_string())
            .map_err(AppError::internal)?;
        Ok(tables)
    })
}

/// Everything kept about one customer, table by table (the right of access).
pub fn customer_data(conn: &mut DbConnection, customer_id: &CustomerId) -> Result<Value, AppError> {
    export::snapshot(conn, |conn| customer_document(conn, customer_id))
}

fn customer_document(conn: &mut DbConnection, customer_id: &CustomerId) -> Result<Value, AppError> {
    if !export::customer_exists(conn, customer_id)? {
        return Err(AppError::NotFound { entity: "customer" });
    }
    let mut doc = Map::new();
    doc.insert(
        "exported_at".into(),
        serde_json::to_value(crate::store::utc(crate::store::now())).map_err(AppError::internal)?,
    );
    for table in export::customer_tables() {
        let columns = export::columns(conn, table)?;
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let (rows, next) = export::page(
                conn,
                table,
                &columns,
                Rows::OfCustomer(customer_id),
                after.as_deref(),
                PAGE,
            )?;
            all.extend(rows.into_iter().map(Value::Object));
            match next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        let value = if table.name == "customers" {
            all.pop().unwrap_or(Value::Null)
        } else {
            Value::Array(all)
        };
        let key = if table.name == "customers" {
            "customer"
        } else {
            table.name
        };
        doc.insert(key.into(), value);
    }
    Ok(Value::Object(doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_fields_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("+380671234567"), "+380671234567");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
        assert_eq!(csv_value(Some(&json!(null))), "");
        assert_eq!(csv_value(Some(&json!(12.5))), "12.5");
        assert_eq!(csv_value(Some(&json!(true))), "true");
    }

    #[test]
    fn json_objects_keep_the_columns_order() {
        let columns = vec!["id".to_owned(), "name".to_owned(), "gone".to_owned()];
        let row = json!({"name": "Олена \"Q\"", "id": "1"});
        let Value::Object(row) = row else { panic!() };
        let text = json_object(&columns, &row);
        assert_eq!(text, r#"{"id":"1","name":"Олена \"Q\"","gone":null}"#);
    }
}
