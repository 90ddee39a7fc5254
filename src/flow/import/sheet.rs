//! A file of rows, CSV or XLSX, as headers and rows of text: the one shape the
//! import reads, whatever the other system wrote.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::core::import::RowError;
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

/// The most columns a file may have: the widest export seen from another CRM
/// has about sixty.
pub const MAX_COLUMNS: usize = 256;
/// The most rows a file may have (Excel's own limit): what `orderly import`
/// reads on the server.
pub const MAX_ROWS: usize = 1_048_576;
/// The most rows a file sent to the API may have. Every row of a file is
/// checked and written in one transaction, so its rows are held in memory
/// together (about 2 KB each with their records: 100 MB at the limit): larger moves go through
/// `orderly import`, or in several files.
pub const API_MAX_ROWS: usize = 50_000;
/// The most an XLSX workbook may hold once unzipped, all its parts together:
/// a zip of 1 KB can declare gigabytes, and the shared strings are read whole.
pub const MAX_UNZIPPED_BYTES: u64 = 128 * 1024 * 1024;
/// The most parts a workbook may hold.
const MAX_PARTS: usize = 10_000;

/// A file's header and its data rows, each with its line (the header is line 1),
/// and the lines whose cells could not be told apart safely.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
    /// Lines that do not hold one record of the header's width: reported as
    /// bad rows, so that a file with any of them writes nothing.
    pub problems: Vec<RowError>,
}

/// Reads a whole file of at most `max_rows` data rows; a file that cannot be
/// read at all, or has more rows, is one 400 naming `file`.
pub fn read(format: Format, bytes: &[u8], max_rows: usize) -> Result<Sheet, AppError> {
    let max_rows = max_rows.min(MAX_ROWS);
    match format {
        Format::Csv => csv_sheet(bytes, max_rows),
        Format::Xlsx => xlsx_sheet(bytes, max_rows),
    }
}

fn too_many_rows(max_rows: usize) -> AppError {
    unreadable(format!(
        "has more than {max_rows} rows: split it into several files, or import it with `orderly import` on the server"
    ))
}

fn unreadable(message: String) -> AppError {
    AppError::BadRequest {
        field: Some("file".into()),
        message,
    }
}

fn line_problem(line: usize, message: String) -> RowError {
    RowError {
        line,
        field: None,
        column: None,
        message,
    }
}

/// CSV with a header line, comma or semicolon separated (spreadsheets in many
/// locales write `;`), UTF-8 with or without a byte-order mark.
///
/// Strict: a row with fewer or more cells than the header, and a quote that
/// runs past its line into what reads as another record, are problems of their
/// line; nothing is guessed or defaulted.
fn csv_sheet(bytes: &[u8], max_rows: usize) -> Result<Sheet, AppError> {
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
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| unreadable(format!("is not a CSV file with a header line: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    if headers.len() > MAX_COLUMNS {
        return Err(unreadable(format!(
            "has {} columns; at most {MAX_COLUMNS} are read",
            headers.len()
        )));
    }
    let mut sheet = Sheet {
        headers,
        ..Sheet::default()
    };
    let width = sheet.headers.len();
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
        if sheet.rows.len() + sheet.problems.len() >= max_rows {
            return Err(too_many_rows(max_rows));
        }
        if let Some(swallowed) = record
            .iter()
            .find_map(|cell| swallowed_record(cell, delimiter, width))
        {
            sheet.problems.push(line_problem(
                line,
                format!(
                    "a quote opened on this line is not closed at its end: it takes in the line `{swallowed}` as text; close the quote, or double a quote meant as text (\"\")"
                ),
            ));
        } else if record.len() != width {
            sheet.problems.push(line_problem(
                line,
                format!(
                    "has {} cells where the header has {width}: each row needs exactly one cell per column",
                    record.len()
                ),
            ));
        } else {
            sheet
                .rows
                .push((line, record.iter().map(str::to_owned).collect()));
        }
    }
    Ok(sheet)
}

/// A later line inside a quoted cell that reads as a record of its own (as
/// many delimiters as the header): the sign of a quote left open, not of an
/// address written on two lines.
fn swallowed_record(cell: &str, delimiter: u8, width: usize) -> Option<String> {
    if width < 2 {
        return None;
    }
    cell.lines()
        .skip(1)
        .find(|l| l.bytes().filter(|b| *b == delimiter).count() + 1 >= width)
        .map(|l| l.chars().take(60).collect())
}

/// Refuses a workbook whose parts, unzipped, would hold more than the limits:
/// the zip reader stops at each part's declared size, so the declared sizes bound
/// what calamine can be made to allocate.
fn check_archive(bytes: &[u8]) -> Result<(), AppError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("is not an XLSX workbook: {e}")))?;
    if archive.len() > MAX_PARTS {
        return Err(unreadable(format!(
            "holds {} parts; an XLSX workbook has far fewer",
            archive.len()
        )));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| unreadable(format!("is not an XLSX workbook: {e}")))?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNZIPPED_BYTES {
        return Err(unreadable(format!(
            "unzips to {} MiB; at most {} MiB are read",
            total / (1024 * 1024),
            MAX_UNZIPPED_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// The first worksheet of an XLSX workbook, read cell by cell: nothing is
/// allocated for the empty space a far cell (XFD1048576) declares, and a sheet
/// whose declared or actual extent passes the row and column limits is refused
/// before it is read. Dates become `YYYY-MM-DD[ HH:MM:SS]`.
fn xlsx_sheet(bytes: &[u8], max_rows: usize) -> Result<Sheet, AppError> {
    check_archive(bytes)?;
    // calamine does arithmetic on what the file declares (a damaged
    // dimension overflows a multiplication): a panic inside it is a damaged
    // file, answered as such, never a failed request or a lost worker.
    std::panic::catch_unwind(|| first_worksheet(bytes, max_rows)).unwrap_or_else(|_| {
        Err(unreadable(
            "is damaged: its first worksheet cannot be read".into(),
        ))
    })
}

fn first_worksheet(bytes: &[u8], max_rows: usize) -> Result<Sheet, AppError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("is not an XLSX workbook: {e}")))?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| unreadable("the workbook has no worksheet".into()))?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| unreadable(format!("cannot read the first worksheet: {e}")))?;
    let declared = cells.dimensions();
    check_extent(declared.end.0, declared.end.1)?;
    let mut lines: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| unreadable(format!("cannot read the first worksheet: {e}")))?
    {
        let (row, column) = cell.get_position();
        check_extent(row, column)?;
        let value = text(&Data::from(cell.get_value().clone()));
        if value.is_empty() {
            continue;
        }
        if lines.len() > max_rows && !lines.contains_key(&row) {
            // The header and `max_rows` data rows are held already.
            return Err(too_many_rows(max_rows));
        }
        let cells = lines.entry(row).or_default();
        let column = column as usize;
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = value;
    }
    let mut lines = lines.into_iter();
    let headers = lines.next().map(|(_, r)| r).unwrap_or_default();
    let rows = lines
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(row, r)| (row as usize + 1, r))
        .collect();
    Ok(Sheet {
        headers,
        rows,
        problems: Vec::new(),
    })
}

/// A cell (zero-based row and column) the limits allow.
fn check_extent(row: u32, column: u32) -> Result<(), AppError> {
    if row as usize >= MAX_ROWS || column as usize >= MAX_COLUMNS {
        return Err(unreadable(format!(
            "the first worksheet reaches row {} and column {}; at most {MAX_ROWS} rows and {MAX_COLUMNS} columns are read",
            u64::from(row) + 1,
            u64::from(column) + 1
        )));
    }
    Ok(())
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

/// A workbook of one sheet's XML, the least an XLSX reader needs: how tests
/// and benchmarks write a spreadsheet without an office suite.
pub fn minimal_workbook(sheet_xml: &str) -> Result<Vec<u8>, AppError> {
    use std::io::{Cursor, Write};
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned()),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned()),
        ("xl/worksheets/sheet1.xml", sheet_xml.to_owned()),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).map_err(AppError::internal)?;
        zip.write_all(text.as_bytes()).map_err(AppError::internal)?;
    }
    Ok(zip.finish().map_err(AppError::internal)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reader at the server's own limit.
    fn read(format: Format, bytes: &[u8]) -> Result<Sheet, AppError> {
        super::read(format, bytes, MAX_ROWS)
    }

    #[test]
    fn a_file_past_the_row_limit_is_refused_while_it_is_read() {
        let mut csv = String::from("id,name\n");
        for i in 0..11 {
            csv.push_str(&format!("{i},n{i}\n"));
        }
        assert_eq!(
            super::read(Format::Csv, csv.as_bytes(), 11)
                .unwrap()
                .rows
                .len(),
            11
        );
        let err = super::read(Format::Csv, csv.as_bytes(), 10).unwrap_err();
        assert!(err.to_string().contains("more than 10 rows"), "{err}");
        let rows: Vec<(String, &str)> = (1..=12).map(|r| (format!("A{r}"), "x")).collect();
        let cells: Vec<(&str, &str)> = rows.iter().map(|(a, v)| (a.as_str(), *v)).collect();
        let book = minimal_workbook(&sheet_xml("A1:A12", &cells)).unwrap();
        assert_eq!(super::read(Format::Xlsx, &book, 11).unwrap().rows.len(), 11);
        assert!(super::read(Format::Xlsx, &book, 10).is_err());
    }

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
    fn an_unclosed_quote_is_reported_not_merged() {
        let sheet = read(
            Format::Csv,
            b"id,name,kind,segment\nq1,\"Unclosed quote,person,b2c\nq2,Fine,person,b2c\n",
        )
        .unwrap();
        assert!(sheet.rows.is_empty(), "{:?}", sheet.rows);
        assert_eq!(sheet.problems.len(), 1);
        assert_eq!(sheet.problems[0].line, 2);
        assert!(sheet.problems[0].message.contains("q2,Fine"));
    }

    #[test]
    fn rows_of_another_width_are_reported() {
        let sheet = read(
            Format::Csv,
            b"id,name,kind\n1,A\n2,B,person,extra\n3,C,person\n",
        )
        .unwrap();
        let lines: Vec<_> = sheet.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3]);
        assert_eq!(sheet.rows.len(), 1);
        assert!(sheet.problems[0]
            .message
            .contains("2 cells where the header has 3"));
    }

    fn sheet_xml(dimension: &str, cells: &[(&str, &str)]) -> String {
        let cells: String = cells
            .iter()
            .map(|(at, v)| {
                format!(r#"<row><c r="{at}" t="inlineStr"><is><t>{v}</t></is></c></row>"#)
            })
            .collect();
        format!(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
        )
    }

    #[test]
    fn a_far_cell_is_refused_before_anything_is_allocated() {
        // The workbook of the review: A1, B1 and XFD1048576 (512 GiB as a dense range).
        let far = minimal_workbook(&sheet_xml(
            "A1:XFD1048576",
            &[("A1", "id"), ("B1", "name"), ("XFD1048576", "x")],
        ))
        .unwrap();
        assert!(far.len() < 4096);
        let err = read(Format::Xlsx, &far).unwrap_err();
        assert!(err.to_string().contains("column 16384"), "{err}");
        // The same cell with a dimension that lies about it.
        let lying = minimal_workbook(&sheet_xml(
            "A1:B1",
            &[("A1", "id"), ("B1", "name"), ("XFD1048576", "x")],
        ))
        .unwrap();
        assert!(read(Format::Xlsx, &lying).is_err());
        // A far row within the columns: read as what it holds, without the gap.
        let tall = minimal_workbook(&sheet_xml(
            "A1:H1000000",
            &[("A1", "id"), ("B1", "name"), ("A3", "7"), ("H1000000", "x")],
        ))
        .unwrap();
        let sheet = read(Format::Xlsx, &tall).unwrap();
        assert_eq!(sheet.headers, vec!["id", "name"]);
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[0], (3, vec!["7".to_owned()]));
        assert_eq!(sheet.rows[1].0, 1_000_000);
    }

    #[test]
    fn a_zip_that_declares_gigabytes_is_refused() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().large_file(true);
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        let block = vec![b'a'; 1024 * 1024];
        for _ in 0..130 {
            zip.write_all(&block).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
        let err = read(Format::Xlsx, &bytes).unwrap_err();
        assert!(err.to_string().contains("unzips to 130 MiB"), "{err}");
    }

    #[test]
    fn junk_is_named_as_the_file() {
        let err = read(Format::Xlsx, b"not a zip").unwrap_err();
        assert!(matches!(err, AppError::BadRequest { field: Some(f), .. } if f == "file"));
    }
}
