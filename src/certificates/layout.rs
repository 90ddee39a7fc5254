//! A4 pages written as a flow: every block measures itself with the font's own
//! glyph widths and goes below the one before it, or onto a new page when it does
//! not fit. Nothing is placed by fixed coordinates that could cover something
//! else, and no line runs past the margins: long words are broken.

use printpdf::{
    Color, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    Point, Pt, RawImage, Rect, Rgb, TextItem, XObjectTransform,
};

/// The page and its margins, in mm from the bottom-left corner.
pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
pub const LEFT: f32 = 18.0;
pub const RIGHT: f32 = 192.0;
pub const TOP: f32 = 280.0;
/// The lowest a block may reach; the footer sits below it.
pub const BOTTOM: f32 = 22.0;
const FOOTER_BASELINE: f32 = 13.0;
const MM_PER_PT: f32 = 0.352_778;
/// Line pitch as a share of the font size: DejaVu's ascent and descent
/// together are 1.164 em, so lines never touch.
const LEADING: f32 = 1.3;

/// A font face and what is needed to measure text in it.
pub struct Face {
    handle: PdfFontHandle,
    parsed: ParsedFont,
    units_per_em: f32,
}

impl Face {
    pub fn new(doc: &mut PdfDocument, bytes: &[u8]) -> Result<Face, String> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or("an embedded font cannot be read")?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        Ok(Face {
            handle: PdfFontHandle::External(doc.add_font(&parsed)),
            parsed,
            units_per_em,
        })
    }

    /// The width of `text` at `size` points, in mm.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                self.parsed
                    .lookup_glyph_index(c as u32)
                    .map_or(self.units_per_em * 0.6, |g| {
                        f32::from(self.parsed.get_horizontal_advance(g))
                    })
            })
            .sum();
        units / self.units_per_em * size * MM_PER_PT
    }

    /// `text` in lines no wider than `width` mm: at spaces where it can, inside
    /// a word where the word alone is too wide; line breaks in the text are kept.
    pub fn wrap(&self, text: &str, width: f32, size: f32) -> Vec<String> {
        let mut out = Vec::new();
        for raw in text.lines() {
            let mut line = String::new();
            for word in raw.split_whitespace() {
                let joined = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&joined, size) <= width {
                    line = joined;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    line.push(c);
                    if self.width(&line, size) > width && line.chars().count() > 1 {
                        line.pop();
                        out.push(std::mem::replace(&mut line, c.to_string()));
                    }
                }
            }
            out.push(line);
        }
        if out.is_empty() {
            out.push(String::new());
        }
        out
    }
}

/// `text` in at most `max_lines` lines no wider than `width` mm; what does
/// not fit ends in "…".
pub fn fit(face: &Face, text: &str, width: f32, size: f32, max_lines: usize) -> Vec<String> {
    let mut lines = face.wrap(text, width, size);
    if lines.len() > max_lines && max_lines > 0 {
        // The last line takes all that is left, cut where it stops fitting.
        let mut last = lines.split_off(max_lines - 1).join(" ");
        while !last.is_empty() && face.width(&format!("{last}…"), size) > width {
            last.pop();
        }
        last.push('…');
        lines.push(last);
    }
    lines.truncate(max_lines);
    lines
}

/// The height of one line of text at `size` points, in mm.
pub fn line_height(size: f32) -> f32 {
    size * LEADING * MM_PER_PT
}

/// Pages being written, and the top of the free space on the last one.
pub struct Flow<'d> {
    pub doc: &'d mut PdfDocument,
    pub regular: Face,
    pub bold: Face,
    /// The pages already full.
    pages: Vec<Vec<Op>>,
    /// What is drawn on the current page.
    page: Vec<Op>,
    /// The top of the free space on the current page, in mm from the bottom.
    pub y: f32,
}

impl<'d> Flow<'d> {
    pub fn new(doc: &'d mut PdfDocument, regular: &[u8], bold: &[u8]) -> Result<Self, String> {
        let regular = Face::new(doc, regular)?;
        let bold = Face::new(doc, bold)?;
        Ok(Flow {
            doc,
            regular,
            bold,
            pages: Vec::new(),
            page: Vec::new(),
            y: TOP,
        })
    }

    fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// Moves to a new page unless `height` mm still fit on this one (or this
    /// page is still empty: a block taller than a page is then split by lines).
    pub fn need(&mut self, height: f32) {
        if self.y - height < BOTTOM && self.y < TOP {
            self.pages.push(std::mem::take(&mut self.page));
            self.y = TOP;
        }
    }

    /// Leaves `mm` of space, unless the page ends first.
    pub fn gap(&mut self, mm: f32) {
        self.y = (self.y - mm).max(BOTTOM);
    }

    /// Writes one line whose box's top is at `top`; `x` is its left edge.
    pub fn text_at(&mut self, x: f32, top: f32, text: &str, size: f32, bold: bool) {
        // The baseline sits one ascent (0.93 em in DejaVu Sans) below the top.
        let baseline = top - 0.93 * size * MM_PER_PT;
        let font = self.face(bold).handle.clone();
        self.page.extend([
            Op::StartTextSection,
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(baseline)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// One line ending at `right`, at the top `top`.
    pub fn text_right(&mut self, right: f32, top: f32, text: &str, size: f32, bold: bool) {
        let x = right - self.face(bold).width(text, size);
        self.text_at(x, top, text, size, bold);
    }

    /// A wrapped paragraph `width` mm wide at `x`, line after line, flowing on
    /// to the next page where this one ends.
    pub fn paragraph(&mut self, x: f32, width: f32, text: &str, size: f32, bold: bool) {
        let h = line_height(size);
        for line in self.face(bold).wrap(text, width, size) {
            self.need(h);
            let top = self.y;
            self.text_at(x, top, &line, size, bold);
            self.y -= h;
        }
    }

    /// A bold title kept on the same page as the first `keep_with` mm after it.
    pub fn heading(&mut self, text: &str, keep_with: f32) {
        let size = 11.0;
        let lines = self.bold.wrap(text, RIGHT - LEFT, size);
        let h = lines.len() as f32 * line_height(size);
        self.need(3.0 + h + 1.5 + keep_with);
        self.gap(3.0);
        for line in lines {
            let top = self.y;
            self.text_at(LEFT, top, &line, size, true);
            self.y -= line_height(size);
        }
        self.y -= 1.5;
    }

    /// A thin grey rule from `x0` to `x1` at the current top, and space under it.
    pub fn rule(&mut self, x0: f32, x1: f32) {
        self.rule_at(x0, x1, self.y);
        self.y -= 1.5;
    }

    pub fn rule_at(&mut self, x0: f32, x1: f32, y: f32) {
        let points = [x0, x1]
            .into_iter()
            .map(|x| LinePoint {
                p: Point::new(Mm(x), Mm(y)),
                bezier: false,
            })
            .collect();
        self.page.extend([
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

    /// Places a picture fitted into the `max_w` × `max_h` mm box whose top-left
    /// corner is (`x`, `top`), centred across the box; returns its size in mm.
    pub fn image(
        &mut self,
        picture: &Picture,
        x: f32,
        top: f32,
        max_w: f32,
        max_h: f32,
    ) -> (f32, f32) {
        let (px_w, px_h) = picture.size_px();
        let (w, h) = fitted(px_w, px_h, max_w, max_h);
        let x = x + (max_w - w) / 2.0;
        let dpi = px_w.max(1) as f32 / (w / 25.4);
        let id = match picture {
            Picture::Raw(image) => self.doc.add_image(image),
            Picture::Jpeg(bytes, info) => self.doc.add_xobject(&super::jpeg::xobject(bytes, *info)),
        };
        self.page.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Mm(x).into()),
                translate_y: Some(Mm(top - h).into()),
                dpi: Some(dpi),
                ..XObjectTransform::default()
            },
        });
        (w, h)
    }

    /// Ends the current page; what comes next is drawn on a new one.
    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = TOP;
    }

    /// A filled black rectangle, `x`, `bottom`, `w`, `h` in mm.
    pub fn fill(&mut self, x: f32, bottom: f32, w: f32, h: f32) {
        self.page.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Mm(x).into(),
                y: Mm(bottom).into(),
                width: Mm(w).into(),
                height: Mm(h).into(),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// The pages as drawn, with no footer (sheets of labels fill the page).
    pub fn finish_bare(mut self) -> Vec<PdfPage> {
        let mut pages = std::mem::take(&mut self.pages);
        pages.push(std::mem::take(&mut self.page));
        pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
            .collect()
    }

    /// The pages, each with `footer(n, m)` at its foot (left) and "n / m" text
    /// that `page_of(n, m)` words (right).
    pub fn finish(
        mut self,
        footer: &str,
        page_of: impl Fn(usize, usize) -> String,
    ) -> Vec<PdfPage> {
        let size = 8.0;
        let top = FOOTER_BASELINE + 0.93 * size * MM_PER_PT;
        let mut pages = std::mem::take(&mut self.pages);
        pages.push(std::mem::take(&mut self.page));
        let count = pages.len();
        let mut out = Vec::with_capacity(count);
        for (n, ops) in pages.into_iter().enumerate() {
            self.page = ops;
            let numbered = page_of(n + 1, count);
            let room = RIGHT - LEFT - self.regular.width(&numbered, size) - 6.0;
            let left = self
                .regular
                .wrap(footer, room, size)
                .into_iter()
                .next()
                .unwrap_or_default();
            self.rule_at(LEFT, RIGHT, top + 1.5);
            self.text_at(LEFT, top, &left, size, false);
            self.text_right(RIGHT, top, &numbered, size, false);
            out.push(PdfPage::new(
                Mm(PAGE_W),
                Mm(PAGE_H),
                std::mem::take(&mut self.page),
            ));
        }
        out
    }
}

/// The size in mm of an image fitted into `max_w` × `max_h`, its sides in proportion.
pub fn fitted(px_w: usize, px_h: usize, max_w: f32, max_h: f32) -> (f32, f32) {
    let (px_w, px_h) = (px_w.max(1) as f32, px_h.max(1) as f32);
    let scale = (max_w / px_w).min(max_h / px_h);
    (px_w * scale, px_h * scale)
}

/// A photo or a signature as the PDF takes it: a JPEG as it is stored, or
/// anything else decoded (a PNG signature, a JPEG of a kind PDF readers may
/// not show).
pub enum Picture {
    Jpeg(Vec<u8>, super::jpeg::JpegInfo),
    Raw(RawImage),
}

impl Picture {
    /// The picture of stored bytes; `None` when they are no image.
    pub fn of(bytes: &[u8]) -> Option<Picture> {
        match super::jpeg::info(bytes) {
            Some(info) => Some(Picture::Jpeg(bytes.to_vec(), info)),
            None => RawImage::decode_from_bytes(bytes, &mut Vec::new())
                .ok()
                .map(Picture::Raw),
        }
    }

    /// Width and height in pixels.
    pub fn size_px(&self) -> (usize, usize) {
        match self {
            Picture::Jpeg(_, info) => (usize::from(info.width), usize::from(info.height)),
            Picture::Raw(image) => (image.width, image.height),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow_with<T>(f: impl FnOnce(&mut Flow) -> T) -> T {
        let mut doc = PdfDocument::new("t");
        let mut flow = Flow::new(&mut doc, super::super::REGULAR, super::super::BOLD).unwrap();
        f(&mut flow)
    }

    #[test]
    fn wrapped_lines_fit_their_width() {
        flow_with(|flow| {
            let text = format!(
                "Замінено картридж {} і мембрану; ნინო ბერიძე {}",
                "дуже".repeat(20),
                "ა".repeat(90)
            );
            for width in [20.0, 60.0, 174.0] {
                let lines = flow.regular.wrap(&text, width, 10.0);
                assert!(lines.len() > 1);
                for line in &lines {
                    assert!(flow.regular.width(line, 10.0) <= width + 0.01, "{line}");
                }
                let joined: String = lines.concat().split_whitespace().collect();
                let whole: String = text.split_whitespace().collect();
                assert_eq!(joined, whole, "nothing is lost in wrapping");
            }
        });
    }

    #[test]
    fn a_block_that_does_not_fit_goes_to_a_new_page() {
        flow_with(|flow| {
            flow.y = BOTTOM + 10.0;
            flow.need(9.0);
            assert_eq!(flow.pages.len(), 0, "no page is full yet");
            flow.need(11.0);
            assert_eq!((flow.pages.len(), flow.y), (1, TOP));
            // On an empty page a taller block stays: it is split by lines.
            flow.need(500.0);
            assert_eq!(flow.pages.len(), 1);
        });
    }
}
