//! Photos and signatures as they are kept: never larger than the certificate
//! and the office need. The phone sends 1600 px, but the server does not trust
//! that: a 285 KB PNG can declare 10000×10000 all-zero pixels, and three of
//! them once took a certificate to 2.7 GB. An upload is decoded once, under
//! limits, and a smaller copy is what is stored and later drawn.

use std::io::Cursor;
use std::sync::Mutex;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use crate::core::media::{ImageInfo, MediaKind, MAX_PIXELS, MAX_SIDE};
use crate::error::AppError;

/// The longest side of a stored image, in pixels.
pub const LONGEST_SIDE: u32 = 1600;
/// The most a decoder may hold at once: a 25-megapixel photo as RGBA, with room.
const MAX_DECODE_BYTES: u64 = 128 * 1024 * 1024;

/// One decode at a time in this process: each may hold up to
/// [`MAX_DECODE_BYTES`], and many uploads at once must not add up past the
/// server's memory. Decoding is CPU-bound; a queue costs little.
static DECODING: Mutex<()> = Mutex::new(());

/// An image as stored.
pub struct Kept {
    pub bytes: Vec<u8>,
    pub info: ImageInfo,
}

fn damaged() -> AppError {
    AppError::invalid("body", "the image is damaged: it cannot be decoded")
}

/// The image to store for an upload already checked by `core::media::check`:
/// the upload itself when it is small enough, else a copy that fits
/// [`LONGEST_SIDE`] (a photo as JPEG, a signature as PNG).
pub fn keep(kind: MediaKind, info: ImageInfo, bytes: Vec<u8>) -> Result<Kept, AppError> {
    if info.width <= LONGEST_SIDE && info.height <= LONGEST_SIDE {
        return Ok(Kept { bytes, info });
    }
    let format = match info.content_type {
        "image/png" => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    };
    let _one_at_a_time = DECODING.lock().unwrap_or_else(|p| p.into_inner());
    let mut reader = ImageReader::with_format(Cursor::new(bytes.as_slice()), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| damaged())?;
    if u64::from(decoded.width()) * u64::from(decoded.height()) > MAX_PIXELS {
        return Err(damaged());
    }
    // `thumbnail` averages each output pixel's area straight from the source;
    // `resize` would first build a float copy of width × 1600 (128 MB for a
    // 5000-pixel-wide photo).
    let small = decoded.thumbnail(LONGEST_SIDE, LONGEST_SIDE);
    drop(decoded);
    let mut out = Cursor::new(Vec::new());
    let content_type = match kind {
        MediaKind::Photo => {
            DynamicImage::ImageRgb8(small.to_rgb8())
                .write_to(&mut out, ImageFormat::Jpeg)
                .map_err(AppError::internal)?;
            "image/jpeg"
        }
        MediaKind::Signature => {
            small
                .write_to(&mut out, ImageFormat::Png)
                .map_err(AppError::internal)?;
            "image/png"
        }
    };
    Ok(Kept {
        bytes: out.into_inner(),
        info: ImageInfo {
            content_type,
            width: small.width(),
            height: small.height(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::media::check;

    fn encoded(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
        let img =
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30])));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_large_photo_is_kept_at_1600_px_with_its_aspect() {
        let bytes = encoded(4000, 3000, ImageFormat::Jpeg);
        let info = check(MediaKind::Photo, &bytes).unwrap();
        let kept = keep(MediaKind::Photo, info, bytes).unwrap();
        assert_eq!((kept.info.width, kept.info.height), (1600, 1200));
        assert_eq!(kept.info.content_type, "image/jpeg");
        assert_eq!(check(MediaKind::Photo, &kept.bytes).unwrap().width, 1600);
    }

    #[test]
    fn a_small_image_is_kept_as_sent() {
        let bytes = encoded(800, 600, ImageFormat::Png);
        let info = check(MediaKind::Signature, &bytes).unwrap();
        let kept = keep(MediaKind::Signature, info, bytes.clone()).unwrap();
        assert_eq!(kept.bytes, bytes);
    }

    #[test]
    fn an_all_zero_bomb_is_refused_before_it_is_decoded() {
        // 10000×10000 grey pixels compress to a few hundred KB.
        let img = DynamicImage::ImageLuma8(image::GrayImage::new(10_000, 10_000));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        let bytes = out.into_inner();
        assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
        let err = check(MediaKind::Photo, &bytes).unwrap_err();
        assert!(err.message.contains("megapixels"), "{}", err.message);
    }
}
