//! Sheets of equipment stickers as PDF: A4 with 3 × 8 labels of 70 × 37 mm
//! (the common "24 per sheet" label stock, edge to edge). Each label has the
//! QR code of the piece's signed link on the left and, on the right, the
//! company's name and phone, the equipment's kind, model and serial number,
//! and what scanning does. Text is measured with the font's own widths and
//! cut with "…" where it would run out of its column: nothing crosses into
//! the code or the next label.

use printpdf::{PdfDocument, PdfSaveOptions};
use qrcode::{EcLevel, QrCode};

use crate::certificates::layout::{fit, line_height, Flow, PAGE_H};
use crate::certificates::{BOLD, REGULAR};
use crate::core::notice::Locale;
use crate::core::sticker::{Label, Sheet, LABELS_PER_SHEET};

/// Columns and rows of labels on a sheet.
pub const COLUMNS: usize = 3;
pub const ROWS: usize = LABELS_PER_SHEET / COLUMNS;
/// A label's size in mm.
pub const LABEL_W: f32 = 70.0;
pub const LABEL_H: f32 = 37.0;
/// The sheet's top margin: 297 mm less eight labels, shared above and below.
pub const TOP_MARGIN: f32 = (PAGE_H - ROWS as f32 * LABEL_H) / 2.0;
/// Blank border inside a label: a label cut a little off still shows all.
pub const PAD: f32 = 4.0;
/// The QR code's side in mm, and the gap between it and the text.
pub const QR_SIDE: f32 = LABEL_H - 2.0 * PAD - 2.0;
const GAP: f32 = 3.0;

/// The label's corner (left, top) in mm from the page's bottom-left, for the
/// `n`th position on a sheet (row by row).
pub fn cell(n: usize) -> (f32, f32) {
    let (row, column) = (n / COLUMNS, n % COLUMNS);
    (
        column as f32 * LABEL_W,
        PAGE_H - TOP_MARGIN - row as f32 * LABEL_H,
    )
}

/// Where a label's text column starts and how wide it is, from its left edge.
pub fn text_column() -> (f32, f32) {
    let x = PAD + QR_SIDE + GAP;
    (x, LABEL_W - PAD - x)
}

struct Words {
    scan: &'static str,
    serial: &'static str,
}

fn words(locale: Locale) -> Words {
    match locale {
        Locale::En => Words {
            scan: "Scan to report a problem or book a service",
            serial: "SN",
        },
        Locale::Uk => Words {
            scan: "Скануйте, щоб повідомити про несправність або записатися",
            serial: "SN",
        },
    }
}

/// Renders the sheets: labels from position `skip` of the first sheet on.
pub fn render(sheet: &Sheet) -> Result<Vec<u8>, String> {
    let mut doc = PdfDocument::new(&format!("{} · stickers", sheet.company));
    let pages = {
        let mut flow = Flow::new(&mut doc, REGULAR, BOLD)?;
        let w = words(sheet.locale);
        for (i, label) in sheet.labels.iter().enumerate() {
            let position = sheet.skip + i;
            if position > 0 && position.is_multiple_of(LABELS_PER_SHEET) {
                flow.new_page();
            }
            let (left, top) = cell(position % LABELS_PER_SHEET);
            draw(&mut flow, sheet, label, &w, left, top)?;
        }
        flow.finish_bare()
    };
    Ok(doc.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        },
        &mut Vec::new(),
    ))
}

/// One label whose top-left corner is (`left`, `top`).
fn draw(
    flow: &mut Flow,
    sheet: &Sheet,
    label: &Label,
    w: &Words,
    left: f32,
    top: f32,
) -> Result<(), String> {
    qr(flow, &label.url, left + PAD, top - PAD - 1.0, QR_SIDE)?;
    let (dx, width) = text_column();
    let x = left + dx;
    let bottom = top - LABEL_H + PAD;
    // From the top: who to call, then what this piece is.
    let mut blocks: Vec<(String, f32, bool, usize)> = vec![(sheet.company.clone(), 7.5, true, 2)];
    if let Some(phone) = &sheet.phone {
        // The number is what the label is for: smaller rather than cut.
        let size = [9.0, 8.5, 8.0, 7.5, 7.0, 6.5]
            .into_iter()
            .find(|s| flow.bold.width(phone, *s) <= width)
            .unwrap_or(6.0);
        blocks.push((phone.clone(), size, true, 1));
    }
    blocks.push((label.kind.clone(), 7.5, false, 2));
    if let Some(model) = &label.model {
        blocks.push((model.clone(), 7.0, false, 1));
    }
    if let Some(sn) = &label.serial_number {
        blocks.push((format!("{} {sn}", w.serial), 7.0, false, 1));
    }
    // At the foot: what scanning does, when there is room for it.
    let scan_size = 6.0;
    let scan = fit(&flow.regular, w.scan, width, scan_size, 2);
    let scan_h = scan.len() as f32 * line_height(scan_size);
    let mut y = top - PAD;
    let mut room = y - bottom - scan_h - 1.0;
    for (text, size, bold, max_lines) in blocks {
        let face = if bold { &flow.bold } else { &flow.regular };
        let h = line_height(size);
        let fits = ((room / h).floor().max(0.0) as usize).min(max_lines);
        if fits == 0 {
            break;
        }
        for line in fit(face, &text, width, size, fits) {
            flow.text_at(x, y, &line, size, bold);
            y -= h;
            room -= h;
        }
    }
    let mut y = bottom + scan_h;
    for line in scan {
        flow.text_at(x, y, &line, scan_size, false);
        y -= line_height(scan_size);
    }
    Ok(())
}

/// The QR code of `url` in a `side` mm square whose top-left is (`x`, `top`):
/// each row's runs of dark modules as one filled rectangle.
fn qr(flow: &mut Flow, url: &str, x: f32, top: f32, side: f32) -> Result<(), String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("the sticker's address does not fit a QR code: {e}"))?;
    let n = code.width();
    let module = side / n as f32;
    let colors = code.to_colors();
    for (row, line) in colors.chunks(n).enumerate() {
        let mut run_start = None;
        for column in 0..=n {
            let dark = line.get(column).is_some_and(|c| *c == qrcode::Color::Dark);
            match (dark, run_start) {
                (true, None) => run_start = Some(column),
                (false, Some(start)) => {
                    let bottom = top - (row + 1) as f32 * module;
                    flow.fill(
                        x + start as f32 * module,
                        bottom,
                        (column - start) as f32 * module,
                        module,
                    );
                    run_start = None;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_labels_tile_the_sheet_inside_its_edges() {
        let (first_left, first_top) = cell(0);
        let (last_left, last_top) = cell(LABELS_PER_SHEET - 1);
        assert_eq!((first_left, first_top), (0.0, PAGE_H - TOP_MARGIN));
        assert!((last_left + LABEL_W - 210.0).abs() < 0.01);
        assert!((last_top - LABEL_H - TOP_MARGIN).abs() < 0.01);
        let (x, width) = text_column();
        assert!(x >= PAD + QR_SIDE && x + width <= LABEL_W - PAD + 0.01);
    }

    #[test]
    fn a_sheet_of_many_labels_runs_onto_more_pages() {
        let label = Label {
            equipment_id: "e".into(),
            kind: "Reverse osmosis filter".into(),
            model: Some("Ecosoft RObust 1000".into()),
            serial_number: Some("RB-2024-000123".into()),
            url: format!("https://service.example.com/q/{}", "A".repeat(43)),
        };
        let sheet = Sheet {
            locale: Locale::Uk,
            company: "Аква Сервіс".into(),
            phone: Some("+380671234567".into()),
            skip: 20,
            labels: vec![label; 10],
        };
        let pdf = render(&sheet).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        // 4 labels fill the first sheet from position 20, 6 go on a second.
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 2"), "two pages");
    }
}
