#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The completion certificate as its reader sees it: rendered to pages, every
//! word and picture found by position, and nothing covering anything else,
//! whatever the number and shape of photos and the length of the texts.
//! The pages are kept under `target/artefacts/certificates/` to look at.

#[path = "common/pdf_geometry.rs"]
mod pdf_geometry;

use chrono::NaiveDate;
use orderly::certificates::{render, Certificate, CertificateLine, OnSite, Party, MAX_PHOTOS};
use orderly::core::notice::Locale;
use pdf_geometry::{faults, read, solid_jpeg, solid_png, Page, COLOURS};

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

/// A plain one-page certificate to vary.
fn base(locale: Locale) -> Certificate {
    Certificate::example(locale)
}

/// Photo shapes a phone sends: landscape, portrait, square, panorama, tall strip.
const SHAPES: [(u32, u32); 6] = [(64, 48), (48, 64), (50, 50), (120, 20), (20, 120), (64, 36)];

fn with_photos(mut c: Certificate, n: usize) -> Certificate {
    c.photos = (0..n)
        .map(|i| {
            let (w, h) = SHAPES[i % SHAPES.len()];
            if i % 2 == 0 {
                solid_png(COLOURS[i], w, h)
            } else {
                solid_jpeg(COLOURS[i], w * 8, h * 8)
            }
        })
        .collect();
    c.signature = Some(solid_png(COLOURS[6], 400, 120));
    c
}

fn many_lines(n: usize) -> Vec<CertificateLine> {
    (0..n)
        .map(|i| CertificateLine {
            description: if i % 5 == 0 {
                format!("Line {i}: replacement of the pre-filter cartridge, sediment stage, with a check of the housing seals and the pressure at the inlet")
            } else {
                format!("Line {i}: cartridge")
            },
            quantity: 1.5,
            unit_price: 123_456_789,
            total: 185_185_183,
        })
        .collect()
}

fn long_text(chars: usize) -> String {
    let sentence = "The filter housing was opened, the old cartridges taken out, the bowl washed and the seals greased. ";
    sentence.chars().cycle().take(chars).collect()
}

/// Renders, reads and checks one certificate: no faults, every photo and the
/// signature printed at their own shape, "Page N of M" on every page.
fn check(c: &Certificate, name: &str) -> Vec<Page> {
    let pdf = render(c).unwrap();
    let photos = c.photos.len().min(MAX_PHOTOS);
    let mut colours: Vec<[u8; 3]> = COLOURS[..photos].to_vec();
    if c.signature.is_some() {
        colours.push(COLOURS[6]);
    }
    let pages = read(&pdf, &colours, &format!("certificates/{name}"));
    let found = faults(&pages);
    assert!(found.is_empty(), "{name}: {found:#?}");
    for colour in &colours {
        let placed: Vec<_> = pages
            .iter()
            .flat_map(|p| p.pictures.iter().filter(|(c, _)| c == colour))
            .collect();
        assert_eq!(
            placed.len(),
            1,
            "{name}: picture {colour:?} printed once, not {}",
            placed.len()
        );
        let at = placed[0].1;
        assert!(
            at.width().max(at.height()) >= 20.0,
            "{name}: picture {colour:?} too small: {at:?}"
        );
        if let Some(i) = COLOURS[..photos].iter().position(|c| c == colour) {
            let (w, h) = SHAPES[i % SHAPES.len()];
            let (want, got) = (w as f32 / h as f32, at.width() / at.height());
            assert!(
                (got / want - 1.0).abs() < 0.1,
                "{name}: photo {i} is {got:.2}:1, not {want:.2}:1"
            );
        }
    }
    let of = |n: usize, m: usize| match c.locale {
        Locale::Uk => format!("Сторінка {n} з {m}"),
        _ => format!("Page {n} of {m}"),
    };
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.text().contains(&of(i + 1, pages.len())),
            "{name}: page {} has no page number: {}",
            i + 1,
            page.text()
        );
    }
    pages
}

fn all_text(pages: &[Page]) -> String {
    pages.iter().map(Page::text).collect::<Vec<_>>().join(" ")
}

#[test]
fn a_plain_certificate_is_one_clean_page() {
    let pages = check(&base(Locale::En), "plain-en");
    assert_eq!(pages.len(), 1);
    let text = all_text(&pages);
    for want in [
        "Aqua Service",
        "12345678",
        "15 December 2026",
        "Reverse osmosis filter",
        "SN-000123",
        "1 350.00 UAH",
        "15 June 2027",
        "Olena Kovalenko",
        "Taras Melnyk",
    ] {
        assert!(text.contains(want), "{want:?} missing: {text}");
    }
}

#[test]
fn any_number_of_photos_of_any_shape_covers_nothing() {
    for n in 0..=MAX_PHOTOS {
        check(&with_photos(base(Locale::En), n), &format!("photos-{n}"));
    }
}

#[test]
fn more_photos_than_fit_print_the_first_six() {
    let mut c = with_photos(base(Locale::En), 6);
    c.photos.push(solid_png([90, 90, 250], 30, 30));
    let pages = check(&c, "photos-7");
    assert!(pages.iter().all(|p| p.pictures.len() <= 7));
}

#[test]
fn the_longest_certificate_flows_over_pages_without_a_cover() {
    let mut c = with_photos(base(Locale::Uk), 6);
    c.company.name =
        "Товариство з обмеженою відповідальністю «Аква Сервіс Україна Південь-Схід»".into();
    c.customer = Party {
        name: "ნინო ბერიძე-ჯავახიშვილი ქართველიშვილი".into(),
        details: vec![
            "ТОВ «Дуже Довга Назва Замовника Для Перевірки Перенесення Рядків»".into(),
            "код ЄДРПОУ 87654321".into(),
        ],
    };
    c.engineer = "Костянтин Олександрович Костянтинопольський-Верхньодніпровський".into();
    c.signatory = "ნინო ბერიძე-ჯავახიშვილი ქართველიშვილი".into();
    c.lines = many_lines(40);
    c.notes = Some(long_text(2_000));
    c.recommendations = Some(format!("See https://example.com/{}", "a".repeat(300)));
    c.on_site = Some(OnSite {
        arrived: day("2026-12-31").and_hms_opt(23, 30, 0).unwrap(),
        finished: day("2027-01-01").and_hms_opt(0, 45, 0).unwrap(),
    });
    let pages = check(&c, "longest-uk");
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let text = all_text(&pages);
    assert!(
        text.contains("31 грудня 2026 23:30 – 1 січня 2027 00:45"),
        "{text}"
    );
    // Every line of work is printed once, none lost at a page break.
    for i in 0..40 {
        assert_eq!(text.matches(&format!("Line {i}:")).count(), 1, "line {i}");
    }
}

/// Moves the page break through every block: the notes grow a little at a
/// time, so some run ends just before, inside and after each block.
#[test]
fn a_page_break_anywhere_covers_nothing() {
    for step in 0..14 {
        let mut c = with_photos(base(Locale::En), 4);
        c.lines = many_lines(6);
        c.notes = Some(long_text(400 + step * 150));
        check(&c, &format!("break-{step:02}"));
    }
}

/// The checker itself: a page with a word under a photo and a word in the
/// margin is faulted for both, so a clean result above means something.
#[test]
fn the_checker_sees_a_covered_word_and_one_in_the_margin() {
    use orderly::certificates::layout::{Flow, Picture, LEFT};
    use printpdf::{PdfDocument, PdfSaveOptions};
    let font = include_bytes!("../assets/fonts/DejaVuSans.ttf");
    let mut doc = PdfDocument::new("faulty");
    let pages = {
        let mut flow = Flow::new(&mut doc, font, font).unwrap();
        let photo = Picture::of(&solid_png(COLOURS[0], 40, 40)).unwrap();
        flow.image(&photo, LEFT, 200.0, 60.0, 60.0);
        flow.text_at(LEFT + 20.0, 180.0, "covered", 10.0, false);
        flow.text_at(LEFT, 8.0, "marginal", 10.0, false);
        flow.text_at(LEFT + 100.0, 100.0, "first", 10.0, false);
        flow.text_at(LEFT + 101.0, 101.0, "second", 10.0, false);
        flow.finish("faulty", |n, m| format!("Page {n} of {m}"))
    };
    let pdf = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new());
    let found = faults(&read(&pdf, &[COLOURS[0]], "certificates/checker-self-test")).join("\n");
    assert!(
        found.contains("\"covered\" is under the picture"),
        "{found}"
    );
    assert!(found.contains("\"marginal\""), "{found}");
    assert!(
        found.contains("\"second\" overlaps \"first\"")
            || found.contains("\"first\" overlaps \"second\""),
        "{found}"
    );
    assert!(!found.contains("Page"), "the footer is clean: {found}");
}
