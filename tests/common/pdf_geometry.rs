#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test binary uses a part of it
//! Checks a rendered PDF the way a reader sees it: where every word stands
//! (poppler's `pdftotext -bbox`) and where every picture stands (the page
//! rendered by `pdftoppm`, pictures found by their solid colours). Nothing may
//! cover anything else and nothing may leave the page's margins.
//!
//! Shared by the layout tests and the API's certificate test (`#[path]`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Pixels per inch the pages are rendered at: 0.5 mm a pixel, enough to see
/// a 1 mm overlap and to read the artefacts.
const DPI: f32 = 50.8;
/// Nothing may come nearer the page's edge than this.
const MARGIN_MM: f32 = 10.0;
const MM_PER_PT: f32 = 25.4 / 72.0;

/// A rectangle in mm from the page's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    fn overlaps(&self, o: &Rect, slack: f32) -> bool {
        self.x0 + slack < o.x1
            && o.x0 + slack < self.x1
            && self.y0 + slack < o.y1
            && o.y0 + slack < self.y1
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

/// A word as printed.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub at: Rect,
}

/// One page: its size, its words and its pictures (by the colour asked for).
#[derive(Debug)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub words: Vec<Word>,
    pub pictures: Vec<([u8; 3], Rect)>,
}

impl Page {
    /// The page's words in reading order, joined by spaces.
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn run(program: &str, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e} (apt-get install poppler-utils)"));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{program} failed");
    out.stdout
}

fn attr(tag: &str, name: &str) -> f32 {
    let key = format!("{name}=\"");
    let start = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + key.len();
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Every page's words with their boxes, in mm.
fn words(pdf: &[u8]) -> Vec<(f32, f32, Vec<Word>)> {
    let html = String::from_utf8(run("pdftotext", &["-bbox", "-", "-"], pdf)).unwrap();
    let mut pages = Vec::new();
    for chunk in html.split("<page ").skip(1) {
        let tag = &chunk[..chunk.find('>').unwrap()];
        let (w, h) = (
            attr(tag, "width") * MM_PER_PT,
            attr(tag, "height") * MM_PER_PT,
        );
        let mut words = Vec::new();
        for part in chunk.split("<word ").skip(1) {
            let close = part.find('>').unwrap();
            let tag = &part[..close];
            let text = unescape(&part[close + 1..part.find("</word>").unwrap()]);
            let at = Rect {
                x0: attr(tag, "xMin") * MM_PER_PT,
                y0: attr(tag, "yMin") * MM_PER_PT,
                x1: attr(tag, "xMax") * MM_PER_PT,
                y1: attr(tag, "yMax") * MM_PER_PT,
            };
            words.push(Word { text, at });
        }
        pages.push((w, h, words));
    }
    pages
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 12)
}

/// Reads a PDF's pages, finding the pictures painted in `colours`; the pages
/// are kept as PNGs under `target/artefacts/<name>-<page>.png` to look at.
pub fn read(pdf: &[u8], colours: &[[u8; 3]], name: &str) -> Vec<Page> {
    let dir = artefacts().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = dir.join("page");
    let dpi = format!("{DPI}");
    let prefix_arg = prefix.to_str().unwrap();
    run("pdftoppm", &["-r", &dpi, "-png", "-", prefix_arg], pdf);
    let mut images: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    images.sort();
    let pages = words(pdf);
    assert_eq!(images.len(), pages.len(), "one image per page");
    let mm_per_px = 25.4 / DPI;
    pages
        .into_iter()
        .zip(images)
        .map(|((width, height, words), png)| {
            let img = image::open(&png).unwrap().to_rgb8();
            let mut pictures = Vec::new();
            for &colour in colours {
                let mut found: Option<(u32, u32, u32, u32)> = None;
                for (x, y, p) in img.enumerate_pixels() {
                    if near(p.0, colour) {
                        found = Some(match found {
                            None => (x, y, x, y),
                            Some((a, b, c, d)) => (a.min(x), b.min(y), c.max(x), d.max(y)),
                        });
                    }
                }
                if let Some((a, b, c, d)) = found {
                    let at = Rect {
                        x0: a as f32 * mm_per_px,
                        y0: b as f32 * mm_per_px,
                        x1: (c + 1) as f32 * mm_per_px,
                        y1: (d + 1) as f32 * mm_per_px,
                    };
                    pictures.push((colour, at));
                }
            }
            Page {
                width,
                height,
                words,
                pictures,
            }
        })
        .collect()
}

/// Where the pictures of a run are kept.
pub fn artefacts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artefacts")
}

/// Every fault of placement on the pages: words over words or pictures,
/// pictures over pictures, anything in the margins. Empty when the layout is
/// clean.
pub fn faults(pages: &[Page]) -> Vec<String> {
    let mut out = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let n = n + 1;
        let inside = |r: &Rect| {
            r.x0 >= MARGIN_MM
                && r.y0 >= MARGIN_MM
                && r.x1 <= page.width - MARGIN_MM
                && r.y1 <= page.height - MARGIN_MM
        };
        for (i, w) in page.words.iter().enumerate() {
            if !inside(&w.at) {
                out.push(format!(
                    "page {n}: {:?} at {:?} is in the margin",
                    w.text, w.at
                ));
            }
            for v in &page.words[i + 1..] {
                if w.at.overlaps(&v.at, 0.3) {
                    out.push(format!("page {n}: {:?} overlaps {:?}", w.text, v.text));
                }
            }
            for (colour, p) in &page.pictures {
                // A pixel of anti-aliasing either side is not a cover.
                if w.at.overlaps(p, 0.6) {
                    out.push(format!(
                        "page {n}: {:?} is under the picture {colour:?}",
                        w.text
                    ));
                }
            }
        }
        for (i, (colour, p)) in page.pictures.iter().enumerate() {
            if !inside(p) {
                out.push(format!(
                    "page {n}: picture {colour:?} at {p:?} is in the margin"
                ));
            }
            for (other, q) in &page.pictures[i + 1..] {
                if p.overlaps(q, 0.6) {
                    out.push(format!(
                        "page {n}: pictures {colour:?} and {other:?} overlap"
                    ));
                }
            }
        }
    }
    out
}

/// A PNG of one solid colour, `w` × `h` pixels.
pub fn solid_png(colour: [u8; 3], w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb(colour));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG of one solid colour, as a phone's camera sends a photo.
pub fn solid_jpeg(colour: [u8; 3], w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb(colour));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// Colours no text or rule is printed in, one per picture.
pub const COLOURS: [[u8; 3]; 7] = [
    [230, 30, 30],
    [30, 170, 30],
    [30, 60, 230],
    [230, 150, 0],
    [200, 0, 200],
    [0, 190, 200],
    [120, 60, 10],
];
