//! Photos and signatures from the engineer's phone: what kind of image the
//! bytes really are (never what the client says), and how big it may be.

use serde::Serialize;
use utoipa::ToSchema;

use super::ValidationError;
use crate::core::fields::text_enum;

text_enum! {
    /// What a stored visit image is.
    pub enum MediaKind { Photo => "photo", Signature => "signature" }
}

/// The longest side an upload may declare.
pub const MAX_SIDE: u32 = 10_000;
/// The most pixels an upload may declare: 25 megapixels, more than any phone
/// camera's photo the app would send, far below what a crafted file declares.
pub const MAX_PIXELS: u64 = 25_000_000;

/// Photos a visit may hold.
pub const MAX_PHOTOS: usize = 30;

impl MediaKind {
    /// The largest upload: photos arrive downscaled by the phone, signatures are small.
    pub fn max_bytes(self) -> usize {
        match self {
            MediaKind::Photo => 10 * 1024 * 1024,
            MediaKind::Signature => 1024 * 1024,
        }
    }
}

/// An accepted image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImageInfo {
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// The image type by its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        _ => None,
    }
}

/// Checks an upload: a JPEG or PNG photo (a PNG signature), within the
/// size limit, 16 to 10,000 pixels a side.
pub fn check(kind: MediaKind, bytes: &[u8]) -> Result<ImageInfo, ValidationError> {
    if bytes.is_empty() {
        return Err(ValidationError::new(
            "body",
            "is empty: send the image's bytes",
        ));
    }
    if bytes.len() > kind.max_bytes() {
        return Err(ValidationError::new(
            "body",
            format!(
                "is {} bytes; a {} may be at most {}",
                bytes.len(),
                kind.as_str(),
                kind.max_bytes()
            ),
        ));
    }
    let content_type =
        sniff(bytes).ok_or_else(|| ValidationError::new("body", "is not a JPEG or PNG image"))?;
    if kind == MediaKind::Signature && content_type != "image/png" {
        return Err(ValidationError::new(
            "body",
            "a signature must be a PNG image",
        ));
    }
    let size = imagesize::blob_size(bytes).map_err(|_| {
        ValidationError::new("body", "the image is damaged: its size cannot be read")
    })?;
    let (width, height) = (size.width as u32, size.height as u32);
    if !(16..=MAX_SIDE).contains(&width) || !(16..=MAX_SIDE).contains(&height) {
        return Err(ValidationError::new(
            "body",
            format!("is {width}×{height} pixels; each side must be 16 to {MAX_SIDE}"),
        ));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ValidationError::new(
            "body",
            format!(
                "is {width}×{height} pixels; an image may have at most {} megapixels",
                MAX_PIXELS / 1_000_000
            ),
        ));
    }
    Ok(ImageInfo {
        content_type,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid 20×16 PNG header (imagesize reads the IHDR chunk).
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(&png(20, 16)), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<svg>"), None);
    }

    #[test]
    fn uploads_are_checked() {
        let ok = check(MediaKind::Signature, &png(300, 100)).unwrap();
        assert_eq!(
            (ok.width, ok.height, ok.content_type),
            (300, 100, "image/png")
        );
        assert!(check(MediaKind::Photo, &png(8, 100))
            .unwrap_err()
            .message
            .contains("16 to 10000"));
        assert!(check(MediaKind::Photo, b"%PDF-1.7")
            .unwrap_err()
            .message
            .contains("not a JPEG"));
        assert!(check(MediaKind::Photo, b"RIFF\0\0\0\0WEBPVP8 ").is_err());
        assert_eq!(check(MediaKind::Photo, b"").unwrap_err().field, "body");
        let big = vec![0xFF; MediaKind::Signature.max_bytes() + 1];
        assert!(check(MediaKind::Signature, &big)
            .unwrap_err()
            .message
            .contains("at most"));
        let jpeg_header = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        assert!(check(MediaKind::Signature, &jpeg_header)
            .unwrap_err()
            .message
            .contains("PNG"));
    }
}
