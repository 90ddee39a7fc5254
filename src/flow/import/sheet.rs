//! A file of rows, CSV or XLSX, as headers and rows of text: the one shape the
//! import reads, whatever the other system wrote.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::error::AppError;

/// The file formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format of a file by its name's ending.
    pub fn of_file_name(name: &str) -> Option<Format> {
        let lower = name.to_lowercase();
        if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else if lower.ends_with(".xlsx") {
            Some(Format::Xlsx)
        } else {
            None
        }
    }
}

/// A file's header and its data rows, each with its line (the header is line 1).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads a whole file; a file that cannot be read at all is one 400 naming `file`.
pub fn read(format: Format, bytes: &[u8]) -> Result<Sheet, AppError> {
    match format {
        Format::Csv => csv_sheet(bytes),
        Format::Xlsx => xlsx_sheet(bytes),
    }
}

fn unreadable(message: String) -> AppError {
    AppError::BadRequest {
        field: Some("file".into()),
        message,
    }
}

/// CSV with a header line, comma or semicolon separated (spreadsheets in many
/// locales write `;`), UTF-8 with or without a byte-order mark.
fn csv_sheet(bytes: &[u8]) -> Result<Sheet, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first_line.iter().filter(|b| **b == c).count();
    let delimiter = if count(b';') > count(b',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| unreadable(format!("is not a CSV file with a header line: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = Vec::new();
    // Lines counted from the bytes: the reader's own count starts a record at
    // the blank lines before it.
    let (mut counted_to, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(format!("is not valid CSV: {e}")))?;
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.min(bytes.len()).max(counted_to);
        line += bytes[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(Sheet { headers, rows })
}

/// The first worksheet of an XLSX workbook; dates become `YYYY-MM-DD[ HH:MM:SS]`.
fn xlsx_sheet(bytes: &[u8]) -> Result<Sheet, AppError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("is not an XLSX workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("the workbook has no worksheet".into()))?
        .map_err(|e| unreadable(format!("cannot read the first worksheet: {e}")))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut lines = range.rows().enumerate();
    let headers = lines
        .next()
        .map(|(_, r)| r.iter().map(text).collect())
        .unwrap_or_default();
    let rows = lines
        .map(|(i, r)| (first_row + i + 1, r.iter().map(text).collect::<Vec<_>>()))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    Ok(Sheet { headers, rows })
}

/// A cell as the text a person would type for it.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_a_bom_and_quoted_lines() {
        let sheet = read(
            Format::Csv,
            "\u{feff}id;name\n1;\"Коваленко; Олена\nФОП\"\n\n2;Aqua\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(sheet.headers, vec!["id", "name"]);
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(
            sheet.rows[0],
            (2, vec!["1".into(), "Коваленко; Олена\nФОП".into()])
        );
        assert_eq!(sheet.rows[1].0, 5);
    }

    #[test]
    fn junk_is_named_as_the_file() {
        let err = read(Format::Xlsx, b"not a zip").unwrap_err();
        assert!(matches!(err, AppError::BadRequest { field: Some(f), .. } if f == "file"));
    }
}
