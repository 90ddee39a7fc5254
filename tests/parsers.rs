//! Property-based fuzzing of the parsers a stranger's bytes reach: the import's
//! CSV and XLSX readers, the image check and decoder, and the JSON bodies. Any
//! panic fails, and so does a call whose memory (counted by this binary's own
//! allocator, per thread) passes its bound: a 1.6 KB spreadsheet once asked for
//! 512 GiB. The number of cases is fixed (`ORDERLY_FUZZ_CASES` for all, else 1,000 and 300 for images),
//! so CI's time is too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Cursor, Write};

use orderly::core::media::{check, MediaKind};
use orderly::flow::import::sheet::{Format, API_MAX_ROWS};
use proptest::prelude::*;

fn read(
    format: Format,
    bytes: &[u8],
) -> Result<orderly::flow::import::sheet::Sheet, orderly::error::AppError> {
    orderly::flow::import::sheet::read(format, bytes, API_MAX_ROWS)
}

/// The system allocator, counting each thread's live bytes and their peak.
struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = (live.get() as isize).saturating_add(delta).max(0) as usize;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is passed to the system allocator unchanged; the counters
// are thread-local cells that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        track(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `f` allocated at most on this thread, beyond what was live before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let out = f();
    let peak = PEAK.with(Cell::get).saturating_sub(start);
    (out, peak)
}

const MIB: usize = 1024 * 1024;

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("ORDERLY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases: n,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A CSV-like file: lines of cells with the characters that confuse readers.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop::string::string_regex("[a-z0-9 ;,\"\r\n\u{feff}=+@-]{0,12}").unwrap();
    prop::collection::vec(prop::collection::vec(cell, 0..8), 0..40).prop_map(|lines| {
        lines
            .iter()
            .map(|l| l.join(","))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes()
    })
}

/// A cell reference anywhere on (and past) the sheet: `A1` to `XFD1048576` and beyond.
fn cell_ref() -> impl Strategy<Value = String> {
    (0u32..20_000, 1u32..1_100_000).prop_map(|(col, row)| {
        let mut name = String::new();
        let mut c = col + 1;
        while c > 0 {
            let d = (c - 1) % 26;
            name.insert(0, (b'A' + d as u8) as char);
            c = (c - 1) / 26;
        }
        format!("{name}{row}")
    })
}

fn workbook(sheet_xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A workbook of random cells at random places, with a random declared extent.
fn xlsx_like() -> impl Strategy<Value = Vec<u8>> {
    (
        cell_ref(),
        prop::collection::vec((cell_ref(), "[a-z0-9<&]{0,8}"), 0..12),
    )
        .prop_map(|(dimension, cells)| {
            let cells: String = cells
                .iter()
                .map(|(at, v)| {
                    let v = v.replace('&', "&amp;").replace('<', "&lt;");
                    format!(r#"<row><c r="{at}" t="inlineStr"><is><t>{v}</t></is></c></row>"#)
                })
                .collect();
            workbook(&format!(
                r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
            ))
        })
}

/// A PNG or JPEG header declaring any size, followed by any bytes.
fn image_like() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        1u32..20_000,
        1u32..20_000,
        prop::collection::vec(any::<u8>(), 0..2048),
    )
        .prop_map(|(png, w, h, tail)| {
            let mut b = if png {
                let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
                b.extend_from_slice(b"IHDR");
                b.extend_from_slice(&w.to_be_bytes());
                b.extend_from_slice(&h.to_be_bytes());
                b.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
                b
            } else {
                let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
                b.extend_from_slice(&(h.min(65_535) as u16).to_be_bytes());
                b.extend_from_slice(&(w.min(65_535) as u16).to_be_bytes());
                b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
                b
            };
            b.extend_from_slice(&tail);
            b
        })
}

/// The case the fuzz run found: a damaged workbook whose declared dimension
/// overflows a multiplication inside calamine. It is a damaged file (400
/// naming `file`), not a panic.
#[test]
fn a_dimension_that_overflows_is_a_damaged_file() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/overflowing-dimension.xlsx"
    ))
    .unwrap();
    let err = read(Format::Xlsx, &bytes).unwrap_err();
    assert!(
        matches!(
            &err,
            orderly::error::AppError::BadRequest { field: Some(f), .. } if f == "file"
        ),
        "{err:?}"
    );
}

#[test]
fn the_counter_sees_a_large_allocation() {
    let (v, peak) = peak_of(|| vec![1u8; 10 * MIB]);
    assert!(peak >= 10 * MIB, "{peak}");
    drop(v);
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn csv_reading_never_panics_and_stays_small(bytes in csv_like()) {
        let (_, peak) = peak_of(|| read(Format::Csv, &bytes));
        prop_assert!(peak < MIB + 64 * bytes.len(), "{peak} bytes for {} bytes of CSV", bytes.len());
    }

    #[test]
    fn any_bytes_as_csv_or_xlsx_are_an_answer(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let (_, peak) = peak_of(|| (read(Format::Csv, &bytes).is_ok(), read(Format::Xlsx, &bytes).is_ok()));
        prop_assert!(peak < 4 * MIB, "{peak} bytes");
    }

    #[test]
    fn a_workbook_with_cells_anywhere_stays_small(bytes in xlsx_like()) {
        let (_, peak) = peak_of(|| read(Format::Xlsx, &bytes));
        prop_assert!(peak < 16 * MIB, "{peak} bytes for a workbook of {} bytes", bytes.len());
    }

    #[test]
    fn a_damaged_workbook_is_an_answer(bytes in xlsx_like(), at in any::<prop::sample::Index>(), with in any::<u8>()) {
        let mut bytes = bytes;
        let i = at.index(bytes.len());
        bytes[i] ^= with | 1;
        let (_, peak) = peak_of(|| read(Format::Xlsx, &bytes));
        prop_assert!(peak < 16 * MIB, "{peak} bytes");
    }

    #[test]
    fn json_bodies_never_panic(text in "[\\[\\]{}\":,0-9a-z \\\\]{0,200}", depth in 0usize..5000) {
        let nested = format!("{}{}{}", "[".repeat(depth), text, "]".repeat(depth));
        for body in [text.as_bytes(), nested.as_bytes()] {
            let _ = orderly::error::from_json_bytes::<orderly::core::customer::CustomerFields>(body);
            let _ = orderly::error::from_json_bytes::<orderly::flow::bodies::Schedule>(body);
            let _ = orderly::error::from_json_bytes::<serde_json::Value>(body);
        }
    }
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn images_are_checked_and_decoded_within_bounds(bytes in image_like(), photo in any::<bool>()) {
        let kind = if photo { MediaKind::Photo } else { MediaKind::Signature };
        let (_, peak) = peak_of(|| match check(kind, &bytes) {
            Ok(info) => orderly::files::images::keep(kind, info, bytes.clone()).is_ok(),
            Err(_) => false,
        });
        prop_assert!(peak < 160 * MIB, "{peak} bytes for an image of {} bytes", bytes.len());
    }
}
