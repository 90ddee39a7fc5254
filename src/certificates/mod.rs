//! The completion certificate (act of work performed) as a PDF: A4, one font
//! embedded and subset (DejaVu Sans, which covers Latin, Cyrillic and Georgian),
//! in the customer's language.

use printpdf::{
    Color, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, RawImage, Rgb, TextItem, XObjectTransform,
};

use crate::core::money;
use crate::core::notice::Locale;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// One line of the work done.
#[derive(Debug, Clone)]
pub struct CertificateLine {
    pub description: String,
    pub quantity: f64,
    pub unit_price: i64,
    pub total: i64,
}

/// Everything a certificate says.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub locale: Locale,
    /// "2026-000042": the year and a number without gaps.
    pub number: String,
    pub issued_on: String,
    pub company: String,
    /// Address, tax number, phone: one line under the company's name.
    pub company_details: Option<String>,
    pub customer: String,
    pub customer_details: Option<String>,
    pub site: String,
    pub work_order: String,
    pub visit_date: String,
    /// "10:05-11:40": arrival and finish, company time.
    pub visit_times: String,
    pub engineer: String,
    pub lines: Vec<CertificateLine>,
    pub total: i64,
    pub currency: String,
    pub parts: Vec<(String, f64)>,
    pub summary: String,
    pub notes: Option<String>,
    pub recommendations: Option<String>,
    pub next_service: Option<String>,
    /// Up to six photos of the work (JPEG or PNG bytes).
    pub photos: Vec<Vec<u8>>,
    /// The customer's signature drawn on the engineer's phone (PNG).
    pub signature: Option<Vec<u8>>,
}

struct Words {
    title: &'static str,
    date: &'static str,
    customer: &'static str,
    site: &'static str,
    order: &'static str,
    visit: &'static str,
    engineer: &'static str,
    work: &'static str,
    item: &'static str,
    qty: &'static str,
    price: &'static str,
    sum: &'static str,
    total: &'static str,
    parts: &'static str,
    summary: &'static str,
    notes: &'static str,
    recommendations: &'static str,
    photos: &'static str,
    next: &'static str,
    signed_company: &'static str,
    signed_customer: &'static str,
}

const EN: Words = Words {
    title: "Certificate of work performed No.",
    date: "Date",
    customer: "Customer",
    site: "Site",
    order: "Work order",
    visit: "Visit",
    engineer: "Engineer",
    work: "Work",
    item: "Description",
    qty: "Qty",
    price: "Price",
    sum: "Sum",
    total: "Total",
    parts: "Parts used",
    summary: "Work performed",
    notes: "Notes",
    recommendations: "Recommendations",
    photos: "Photos",
    next: "Next service due",
    signed_company: "For the company",
    signed_customer: "Customer",
};

const UK: Words = Words {
    title: "Акт виконаних робіт №",
    date: "Дата",
    customer: "Замовник",
    site: "Об'єкт",
    order: "Замовлення",
    visit: "Візит",
    engineer: "Майстер",
    work: "Роботи",
    item: "Найменування",
    qty: "К-сть",
    price: "Ціна",
    sum: "Сума",
    total: "Разом",
    parts: "Використані матеріали",
    summary: "Виконано",
    notes: "Примітки",
    recommendations: "Рекомендації",
    photos: "Фото",
    next: "Наступне обслуговування",
    signed_company: "Від виконавця",
    signed_customer: "Замовник",
};

/// Writes text and rules down an A4 page, starting a new page when it is full.
struct Writer {
    regular: PdfFontHandle,
    bold: PdfFontHandle,
    pages: Vec<Vec<Op>>,
    /// Distance from the bottom of the page, in mm.
    y: f32,
}

const LEFT: f32 = 18.0;
const RIGHT: f32 = 192.0;
const TOP: f32 = 280.0;
const BOTTOM: f32 = 20.0;

impl Writer {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn need(&mut self, mm: f32) {
        if self.y - mm < BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn text_at(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        let font = if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        };
        let y = self.y;
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text ending at `right` (approximate: DejaVu Sans digits are 0.636 em wide).
    fn text_right(&mut self, right: f32, text: &str, size: f32, bold: bool) {
        let width_mm = text.chars().count() as f32 * 0.636 * size * 0.3528;
        self.text_at(right - width_mm, text, size, bold);
    }

    /// A paragraph wrapped to the width, line by line.
    fn paragraph(&mut self, x: f32, width: f32, text: &str, size: f32) {
        let per_line = ((width / (0.55 * size * 0.3528)) as usize).max(10);
        for raw in text.lines() {
            let mut line = String::new();
            for word in raw.split_whitespace() {
                if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
                    self.line(x, &line, size);
                    line.clear();
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
            self.line(x, &line, size);
        }
    }

    fn line(&mut self, x: f32, text: &str, size: f32) {
        self.need(size * 0.5);
        self.text_at(x, text, size, false);
        self.y -= size * 0.5;
    }

    fn rule(&mut self) {
        let y = self.y;
        let points = [LEFT, RIGHT]
            .into_iter()
            .map(|x| LinePoint {
                p: Point::new(Mm(x), Mm(y)),
                bezier: false,
            })
            .collect();
        self.ops().extend([
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb::new(0.6, 0.6, 0.6, None)),
            },
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawLine {
                line: Line {
                    points,
                    is_closed: false,
                },
            },
        ]);
    }

    /// "Label: value" on one line.
    fn field(&mut self, label: &str, value: &str) {
        self.need(6.0);
        self.text_at(LEFT, label, 9.0, true);
        self.text_at(LEFT + 50.0, value, 10.0, false);
        self.y -= 5.5;
    }

    /// Places an image with its bottom-left corner at (`x`, current line), fitted
    /// into `max_w` × `max_h` mm; returns its size in mm.
    fn image(
        &mut self,
        doc: &mut PdfDocument,
        image: &RawImage,
        x: f32,
        max_w: f32,
        max_h: f32,
    ) -> (f32, f32) {
        const PT_PER_MM: f32 = 2.834_646;
        let (px_w, px_h) = (image.width.max(1) as f32, image.height.max(1) as f32);
        // Points per pixel that fit both sides; the dpi follows from it.
        let scale = (max_w * PT_PER_MM / px_w).min(max_h * PT_PER_MM / px_h);
        let id = doc.add_image(image);
        let y = self.y;
        self.ops().push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Mm(x).into()),
                translate_y: Some(Mm(y).into()),
                dpi: Some(72.0 / scale),
                ..XObjectTransform::default()
            },
        });
        (px_w * scale / PT_PER_MM, px_h * scale / PT_PER_MM)
    }

    fn heading(&mut self, text: &str) {
        self.need(12.0);
        self.y -= 3.0;
        self.text_at(LEFT, text, 11.0, true);
        self.y -= 5.5;
    }
}

fn quantity(q: f64) -> String {
    let s = format!("{q:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Renders the certificate; the bytes are what is stored and hashed.
pub fn render(c: &Certificate) -> Result<Vec<u8>, String> {
    let w = match c.locale {
        Locale::En => &EN,
        Locale::Uk => &UK,
    };
    let mut warnings = Vec::new();
    let regular = ParsedFont::from_bytes(REGULAR, 0, &mut warnings)
        .ok_or("the embedded regular font cannot be read")?;
    let bold = ParsedFont::from_bytes(BOLD, 0, &mut warnings)
        .ok_or("the embedded bold font cannot be read")?;
    let mut doc = PdfDocument::new(&format!("{} {}", w.title, c.number));
    let mut out = Writer {
        regular: PdfFontHandle::External(doc.add_font(&regular)),
        bold: PdfFontHandle::External(doc.add_font(&bold)),
        pages: Vec::new(),
        y: TOP,
    };

    out.text_at(LEFT, &c.company, 14.0, true);
    out.y -= 5.0;
    if let Some(d) = &c.company_details {
        out.text_at(LEFT, d, 9.0, false);
        out.y -= 5.0;
    }
    out.y -= 6.0;
    out.text_at(LEFT, &format!("{} {}", w.title, c.number), 15.0, true);
    out.y -= 8.0;
    out.field(w.date, &c.issued_on);
    out.field(w.customer, &c.customer);
    if let Some(d) = &c.customer_details {
        out.field("", d);
    }
    out.field(w.site, &c.site);
    out.field(w.order, &c.work_order);
    out.field(w.visit, &format!("{}, {}", c.visit_date, c.visit_times));
    out.field(w.engineer, &c.engineer);

    out.heading(w.work);
    out.text_at(LEFT, w.item, 9.0, true);
    out.text_right(128.0, w.qty, 9.0, true);
    out.text_right(160.0, w.price, 9.0, true);
    out.text_right(RIGHT, w.sum, 9.0, true);
    out.y -= 2.0;
    out.rule();
    out.y -= 5.0;
    for line in &c.lines {
        out.need(6.0);
        out.text_at(LEFT, &line.description, 10.0, false);
        out.text_right(128.0, &quantity(line.quantity), 10.0, false);
        out.text_right(160.0, &money::format(line.unit_price, ""), 10.0, false);
        out.text_right(RIGHT, &money::format(line.total, ""), 10.0, false);
        out.y -= 5.5;
    }
    out.rule();
    out.y -= 6.0;
    out.text_at(120.0, w.total, 11.0, true);
    out.text_right(RIGHT, &money::format(c.total, &c.currency), 11.0, true);
    out.y -= 6.0;

    if !c.parts.is_empty() {
        out.heading(w.parts);
        for (name, qty) in &c.parts {
            out.line(LEFT, &format!("{name} × {}", quantity(*qty)), 10.0);
        }
    }
    out.heading(w.summary);
    out.paragraph(LEFT, RIGHT - LEFT, &c.summary, 10.0);
    if let Some(notes) = &c.notes {
        out.heading(w.notes);
        out.paragraph(LEFT, RIGHT - LEFT, notes, 10.0);
    }
    if let Some(r) = &c.recommendations {
        out.heading(w.recommendations);
        out.paragraph(LEFT, RIGHT - LEFT, r, 10.0);
    }
    if let Some(next) = &c.next_service {
        out.y -= 2.0;
        out.field(w.next, next);
    }

    let photos: Vec<_> = c
        .photos
        .iter()
        .take(6)
        .filter_map(|p| RawImage::decode_from_bytes(p, &mut Vec::new()).ok())
        .collect();
    if !photos.is_empty() {
        out.heading(w.photos);
        for row in photos.chunks(3) {
            out.need(50.0);
            let mut x = LEFT;
            let mut tallest: f32 = 0.0;
            for image in row {
                let (wmm, hmm) = out.image(&mut doc, image, x, 55.0, 45.0);
                x += wmm.max(55.0) + 4.5;
                tallest = tallest.max(hmm);
            }
            out.y -= tallest + 4.0;
        }
    }

    out.need(40.0);
    out.y -= 10.0;
    let company_line = format!("{}: ______________________", w.signed_company);
    out.text_at(LEFT, &company_line, 10.0, false);
    out.text_at(110.0, &format!("{}:", w.signed_customer), 10.0, false);
    let signature = c
        .signature
        .as_deref()
        .and_then(|s| RawImage::decode_from_bytes(s, &mut Vec::new()).ok());
    match signature {
        // The signature stands on the line, to the right of the word.
        Some(image) => {
            out.image(&mut doc, &image, 135.0, 55.0, 22.0);
        }
        None => out.text_at(135.0, "______________________", 10.0, false),
    }

    let pages = std::mem::take(&mut out.pages)
        .into_iter()
        .map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops))
        .collect();
    let mut warnings = Vec::new();
    Ok(doc.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        },
        &mut warnings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample(locale: Locale) -> Certificate {
        Certificate {
            locale,
            number: "2026-000042".into(),
            issued_on: "2026-12-15".into(),
            company: "Aqua Service".into(),
            company_details: Some("Kyiv, Khreshchatyk 1 · EDRPOU 12345678".into()),
            customer: "Олена Коваленко".into(),
            customer_details: None,
            site: "вул. Хрещатик, 12, Київ".into(),
            work_order: "01a2-…".into(),
            visit_date: "2026-12-15".into(),
            visit_times: "10:05-11:40".into(),
            engineer: "ნინო ბერიძე".into(),
            lines: vec![CertificateLine {
                description: "Cartridge set".into(),
                quantity: 3.0,
                unit_price: 45_000,
                total: 135_000,
            }],
            total: 135_000,
            currency: "UAH".into(),
            parts: vec![("Cartridge".into(), 3.0)],
            summary: "Three cartridges changed.".into(),
            notes: None,
            recommendations: Some("Change the membrane next time.".into()),
            next_service: Some("2027-06-15".into()),
            photos: vec![],
            signature: None,
        }
    }

    #[test]
    #[ignore = "writes /tmp/certificate.pdf to look at"]
    fn write_a_sample() {
        std::fs::write("/tmp/certificate.pdf", render(&sample(Locale::Uk)).unwrap()).unwrap();
    }

    #[test]
    fn a_certificate_is_a_pdf() {
        let bytes = render(&sample(Locale::Uk)).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        assert!(
            bytes.len() < 200_000,
            "fonts are subset: {} bytes",
            bytes.len()
        );
    }
}
