//! The completion certificate (act of work performed) as a PDF: A4, one font
//! embedded and subset (DejaVu Sans, which covers Latin, Cyrillic and Georgian),
//! in the customer's language, laid out as a flow (see `layout`) so that no block
//! covers another, with "page N of M" at every foot.

mod example;
mod jpeg;
pub mod layout;
pub mod words;

use chrono::{NaiveDate, NaiveDateTime};
use printpdf::{PdfDocument, PdfSaveOptions};

use crate::core::money;
use crate::core::notice::format::full_date;
use crate::core::notice::Locale;
use layout::{line_height, Flow, Picture, LEFT, RIGHT};
pub use words::of as words_of;
use words::Words;

pub(crate) static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// One line of the work done.
#[derive(Debug, Clone)]
pub struct CertificateLine {
    pub description: String,
    pub quantity: f64,
    pub unit_price: i64,
    pub total: i64,
}

/// A party to the act: the name it is known by, and the legal lines under it
/// (legal name, address, tax code), each already worded.
#[derive(Debug, Clone, Default)]
pub struct Party {
    pub name: String,
    pub details: Vec<String>,
}

/// A piece of equipment the work was done on.
#[derive(Debug, Clone)]
pub struct ServicedEquipment {
    pub kind: String,
    pub model: Option<String>,
    pub serial_number: Option<String>,
}

/// When the engineer was on site, in the company's time zone.
#[derive(Debug, Clone, Copy)]
pub struct OnSite {
    pub arrived: NaiveDateTime,
    pub finished: NaiveDateTime,
}

/// Everything a certificate says. Dates are dates, not text: the renderer
/// words them with their year in the certificate's language.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub locale: Locale,
    /// "2026-000042": the year and a number without gaps.
    pub number: String,
    pub issued_on: NaiveDate,
    /// The contractor: the company's name and its legal details.
    pub company: Party,
    pub customer: Party,
    pub site: String,
    pub work_order: String,
    pub equipment: Vec<ServicedEquipment>,
    pub on_site: Option<OnSite>,
    /// Who signs for the contractor: the engineer who did the work.
    pub engineer: String,
    /// Who signs for the customer: the contact on site, or the customer.
    pub signatory: String,
    pub lines: Vec<CertificateLine>,
    pub total: i64,
    pub currency: String,
    pub parts: Vec<PartLine>,
    pub summary: String,
    pub notes: Option<String>,
    pub recommendations: Option<String>,
    pub next_service: Option<NaiveDate>,
    /// Up to six photos of the work (JPEG or PNG bytes).
    pub photos: Vec<Vec<u8>>,
    /// The customer's signature drawn on the engineer's phone (PNG).
    pub signature: Option<Vec<u8>>,
}

/// A part left at the site, with its unit price when it came from the catalogue.
#[derive(Debug, Clone)]
pub struct PartLine {
    pub name: String,
    pub quantity: f64,
    /// In minor units of the certificate's currency.
    pub unit_price: Option<i64>,
}

/// The most photos a certificate shows; more stay in the order's files.
pub const MAX_PHOTOS: usize = 6;

fn quantity(q: f64) -> String {
    let s = format!("{q:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// "2 December 2026, 10:05–11:40"; both dates when the visit ran past midnight.
fn on_site(span: OnSite, locale: Locale) -> String {
    let (a, f) = (span.arrived, span.finished);
    if a.date() == f.date() {
        format!(
            "{}, {}–{}",
            full_date(a.date(), locale),
            a.format("%H:%M"),
            f.format("%H:%M")
        )
    } else {
        format!(
            "{} {} – {} {}",
            full_date(a.date(), locale),
            a.format("%H:%M"),
            full_date(f.date(), locale),
            f.format("%H:%M")
        )
    }
}

/// Renders the certificate; the bytes are what is stored and hashed.
pub fn render(c: &Certificate) -> Result<Vec<u8>, String> {
    let w = words::of(c.locale);
    let title = format!("{} {}", w.title, c.number);
    let mut doc = PdfDocument::new(&title);
    let pages = {
        let mut flow = Flow::new(&mut doc, REGULAR, BOLD)?;
        header(&mut flow, c, &title);
        facts(&mut flow, c, w);
        work(&mut flow, c, w);
        texts(&mut flow, c, w);
        photos(&mut flow, c, w);
        signatures(&mut flow, c, w);
        flow.finish(&title, w.page_of)
    };
    Ok(doc.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        },
        &mut Vec::new(),
    ))
}

/// The contractor's name and legal lines, then the title with the number.
fn header(flow: &mut Flow, c: &Certificate, title: &str) {
    flow.paragraph(LEFT, RIGHT - LEFT, &c.company.name, 14.0, true);
    flow.gap(1.0);
    for line in &c.company.details {
        flow.paragraph(LEFT, RIGHT - LEFT, line, 9.0, false);
    }
    flow.gap(5.0);
    flow.paragraph(LEFT, RIGHT - LEFT, title, 15.0, true);
    flow.gap(3.0);
}

/// Where the value column of "label: value" rows starts.
const VALUE_X: f32 = LEFT + 46.0;

/// A "label  value" row, both wrapped in their columns and kept on one page
/// when the row fits on one.
fn field(flow: &mut Flow, label: &str, value: &str) {
    let labels = flow.bold.wrap(label, VALUE_X - LEFT - 3.0, 9.0);
    let values = flow.regular.wrap(value, RIGHT - VALUE_X, 10.0);
    let row = (labels.len() as f32 * line_height(9.0)).max(values.len() as f32 * line_height(10.0));
    flow.need(row.min(4.0 * line_height(10.0)));
    let top = flow.y;
    for (i, l) in labels.iter().enumerate() {
        flow.text_at(LEFT, top - i as f32 * line_height(9.0), l, 9.0, true);
    }
    let mut label_bottom = top - labels.len() as f32 * line_height(9.0);
    for v in &values {
        flow.need(line_height(10.0));
        if flow.y > top {
            label_bottom = flow.y; // on a new page
        }
        let y = flow.y;
        flow.text_at(VALUE_X, y, v, 10.0, false);
        flow.y -= line_height(10.0);
    }
    flow.y = flow.y.min(label_bottom) - 0.8;
}

fn facts(flow: &mut Flow, c: &Certificate, w: &Words) {
    field(flow, w.date, &full_date(c.issued_on, c.locale));
    let mut customer = vec![c.customer.name.clone()];
    customer.extend(c.customer.details.iter().cloned());
    field(flow, w.customer, &customer.join("\n"));
    field(flow, w.site, &c.site);
    field(flow, w.order, &c.work_order);
    if !c.equipment.is_empty() {
        let items: Vec<String> = c
            .equipment
            .iter()
            .map(|e| {
                let mut s = e.kind.clone();
                if let Some(m) = &e.model {
                    s.push_str(&format!(", {} {m}", w.model));
                }
                if let Some(n) = &e.serial_number {
                    s.push_str(&format!(", {} {n}", w.serial));
                }
                s
            })
            .collect();
        field(flow, w.equipment, &items.join("\n"));
    }
    if let Some(span) = c.on_site {
        field(flow, w.visit, &on_site(span, c.locale));
    }
    field(flow, w.engineer, &c.engineer);
}

/// The columns of the work table: description, then the right edges of
/// quantity, price and sum.
const DESCRIPTION_W: f32 = 100.0;
const QTY_RIGHT: f32 = 136.0;
const PRICE_RIGHT: f32 = 163.0;

fn work(flow: &mut Flow, c: &Certificate, w: &Words) {
    let lh = line_height(10.0);
    flow.heading(w.work, line_height(9.0) + 2.0 + lh);
    let top = flow.y;
    flow.text_at(LEFT, top, w.item, 9.0, true);
    flow.text_right(QTY_RIGHT, top, w.qty, 9.0, true);
    flow.text_right(PRICE_RIGHT, top, w.price, 9.0, true);
    flow.text_right(RIGHT, top, w.sum, 9.0, true);
    flow.y -= line_height(9.0) + 0.5;
    flow.rule(LEFT, RIGHT);
    for line in &c.lines {
        let lines = flow.regular.wrap(&line.description, DESCRIPTION_W, 10.0);
        flow.need(lines.len() as f32 * lh);
        let top = flow.y;
        flow.text_right(QTY_RIGHT, top, &quantity(line.quantity), 10.0, false);
        flow.text_right(
            PRICE_RIGHT,
            top,
            &money::format(line.unit_price, ""),
            10.0,
            false,
        );
        flow.text_right(RIGHT, top, &money::format(line.total, ""), 10.0, false);
        for l in lines {
            flow.need(lh);
            let y = flow.y;
            flow.text_at(LEFT, y, &l, 10.0, false);
            flow.y -= lh;
        }
    }
    flow.need(2.0 + line_height(11.0));
    flow.rule(LEFT, RIGHT);
    let top = flow.y;
    let total = money::format(c.total, &c.currency);
    let total_x = RIGHT - flow.bold.width(&total, 11.0) - 4.0 - flow.bold.width(w.total, 11.0);
    flow.text_at(total_x.min(PRICE_RIGHT - 20.0), top, w.total, 11.0, true);
    flow.text_right(RIGHT, top, &total, 11.0, true);
    flow.y -= line_height(11.0);
}

fn texts(flow: &mut Flow, c: &Certificate, w: &Words) {
    let lh = line_height(10.0);
    if !c.parts.is_empty() {
        flow.heading(w.parts, lh);
        for p in &c.parts {
            let text = match p.unit_price {
                Some(price) => format!(
                    "{} × {} · {}",
                    p.name,
                    quantity(p.quantity),
                    money::format(price, &c.currency)
                ),
                None => format!("{} × {}", p.name, quantity(p.quantity)),
            };
            flow.paragraph(LEFT, RIGHT - LEFT, &text, 10.0, false);
        }
    }
    let blocks = [
        (w.summary, Some(c.summary.as_str())),
        (w.notes, c.notes.as_deref()),
        (w.recommendations, c.recommendations.as_deref()),
    ];
    for (title, text) in blocks {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            flow.heading(title, lh);
            flow.paragraph(LEFT, RIGHT - LEFT, text, 10.0, false);
        }
    }
    if let Some(next) = c.next_service {
        flow.gap(2.0);
        field(flow, w.next, &full_date(next, c.locale));
    }
}

/// Photos three to a row, each fitted into its cell whatever its shape; a row
/// that does not fit goes to the next page.
fn photos(flow: &mut Flow, c: &Certificate, w: &Words) {
    const GAP: f32 = 4.0;
    const CELL_H: f32 = 48.0;
    let cell_w = (RIGHT - LEFT - 2.0 * GAP) / 3.0;
    let photos: Vec<Picture> = c
        .photos
        .iter()
        .take(MAX_PHOTOS)
        .filter_map(|p| Picture::of(p))
        .collect();
    if photos.is_empty() {
        return;
    }
    flow.heading(w.photos, CELL_H);
    for row in photos.chunks(3) {
        flow.need(CELL_H);
        let top = flow.y;
        let mut tallest: f32 = 0.0;
        for (i, image) in row.iter().enumerate() {
            let x = LEFT + i as f32 * (cell_w + GAP);
            let (_, h) = flow.image(image, x, top, cell_w, CELL_H);
            tallest = tallest.max(h);
        }
        flow.y = top - tallest - GAP;
    }
}

/// Both signature lines with the names under them, kept together on one page;
/// the customer's drawn signature stands above the customer's line.
fn signatures(flow: &mut Flow, c: &Certificate, w: &Words) {
    const COLUMN_W: f32 = 76.0;
    const SPACE: f32 = 24.0;
    let customer_x = RIGHT - COLUMN_W;
    let columns = [
        (LEFT, w.signed_company, c.engineer.as_str()),
        (customer_x, w.signed_customer, c.signatory.as_str()),
    ];
    let lh = line_height(9.0);
    let wrapped: Vec<(f32, Vec<String>, Vec<String>)> = columns
        .iter()
        .map(|(x, label, name)| {
            (
                *x,
                flow.bold.wrap(label, COLUMN_W, 9.0),
                flow.regular.wrap(name, COLUMN_W, 9.0),
            )
        })
        .collect();
    let labels = wrapped.iter().map(|c| c.1.len()).max().unwrap_or(1) as f32;
    let names = wrapped.iter().map(|c| c.2.len()).max().unwrap_or(1) as f32;
    let height = 8.0 + labels * lh + SPACE + 1.5 + names * lh;
    flow.need(height);
    flow.gap(8.0);
    let top = flow.y;
    let line_y = top - labels * lh - SPACE;
    for (x, label, name) in &wrapped {
        for (i, l) in label.iter().enumerate() {
            flow.text_at(*x, top - i as f32 * lh, l, 9.0, true);
        }
        flow.rule_at(*x, *x + COLUMN_W, line_y);
        for (i, l) in name.iter().enumerate() {
            flow.text_at(*x, line_y - 1.5 - i as f32 * lh, l, 9.0, false);
        }
    }
    let signature = c.signature.as_deref().and_then(Picture::of);
    if let Some(image) = signature {
        flow.image(
            &image,
            customer_x,
            line_y + SPACE - 1.0,
            COLUMN_W,
            SPACE - 2.0,
        );
    }
    flow.y = line_y - 1.5 - names * lh;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_past_midnight_names_both_days() {
        let at = |d: &str, h| {
            d.parse::<NaiveDate>()
                .unwrap()
                .and_hms_opt(h, 30, 0)
                .unwrap()
        };
        let same = OnSite {
            arrived: at("2026-12-02", 10),
            finished: at("2026-12-02", 11),
        };
        assert_eq!(on_site(same, Locale::En), "2 December 2026, 10:30–11:30");
        let late = OnSite {
            arrived: at("2026-12-31", 23),
            finished: at("2027-01-01", 0),
        };
        assert_eq!(
            on_site(late, Locale::Uk),
            "31 грудня 2026 23:30 – 1 січня 2027 00:30"
        );
    }

    #[test]
    #[ignore = "writes /tmp/certificate.pdf to look at"]
    fn write_a_sample() {
        std::fs::write(
            "/tmp/certificate.pdf",
            render(&Certificate::example(Locale::Uk)).unwrap(),
        )
        .unwrap();
    }

    #[test]
    fn a_certificate_is_a_pdf() {
        let bytes = render(&Certificate::example(Locale::Uk)).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        assert!(
            bytes.len() < 200_000,
            "fonts are subset: {} bytes",
            bytes.len()
        );
    }
}
