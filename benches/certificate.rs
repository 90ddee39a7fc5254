//! Completion certificate generation: the PDF of an order with four phone photos
//! (1280×960 JPEG, as the phone uploads them after downscaling) and a signature,
//! rendered, hashed and stored, as certification does it.
//!
//! `cargo bench --bench certificate [-- RUNS]` (default 30).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Instant;

use orderly::certificates::{render, Certificate, CertificateLine};
use orderly::core::notice::Locale;
use orderly::files::{FileStore, LocalFiles};

fn photo(seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(1280, 960, |x, y| {
        image::Rgb([
            ((x + seed) % 256) as u8,
            ((y * 3) % 256) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn signature() -> Vec<u8> {
    let img = image::GrayAlphaImage::from_fn(600, 200, |x, y| {
        let on = (y as i32 - 100 - ((x as f32 / 30.0).sin() * 50.0) as i32).abs() < 3;
        image::LumaA([0, if on { 255 } else { 0 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30);
    // The example at its fullest: five lines, four photos, the signature.
    let certificate = Certificate {
        lines: (1..=5)
            .map(|i| CertificateLine {
                description: format!("Робота {i}: заміна картриджа"),
                quantity: 1.0,
                unit_price: 45_000,
                total: 45_000,
            })
            .collect(),
        total: 225_000,
        notes: Some("Тиск 3,1 бар.".into()),
        photos: (0..4).map(|i| photo(i * 40)).collect(),
        signature: Some(signature()),
        ..Certificate::example(Locale::Uk)
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalFiles::new(dir.path().to_path_buf());
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let pdf = render(&certificate).expect("render");
        store.put(&pdf).expect("store");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        size = pdf.len();
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "| certificate with 4 photos and a signature | {runs} runs | p50 {:.1} ms | p90 {:.1} ms | {} KiB |",
        pct(0.5),
        pct(0.9),
        size / 1024
    );
}
