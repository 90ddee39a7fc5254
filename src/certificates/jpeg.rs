//! JPEG photos put into the PDF as they are stored — the PDF's `DCTDecode`
//! filter reads them — instead of decoded to pixels and encoded again: the
//! certificate renders in a fraction of the time, keeps the phone's own
//! compression, and no photo is ever decoded (so none can claim the memory
//! its header promises).

use std::collections::BTreeMap;

use printpdf::{DictItem, ExternalStream, ExternalXObject, Px};

/// What a JPEG's frame header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegInfo {
    pub width: u16,
    pub height: u16,
    /// 1 for grey, 3 for colour.
    pub components: u8,
}

/// The frame header of a baseline, extended or progressive JPEG of 8-bit grey
/// or colour; `None` for anything else (arithmetic coding, CMYK, 12-bit, not a
/// JPEG), which is then decoded and encoded again as before. Walks the
/// markers only, within the bytes.
pub fn info(bytes: &[u8]) -> Option<JpegInfo> {
    if bytes.get(0..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut i = 2;
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        // Fill bytes: any number of 0xFF before a marker.
        while *bytes.get(i + 1)? == 0xFF {
            i += 1;
        }
        let marker = *bytes.get(i + 1)?;
        i += 2;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            0xD8..=0xDA => return None,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]));
        if len < 2 {
            return None;
        }
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let frame = bytes.get(i + 2..i + len)?;
            let supported = matches!(marker, 0xC0..=0xC2);
            let (precision, components) = (*frame.first()?, *frame.get(5)?);
            let height = u16::from_be_bytes([*frame.get(1)?, *frame.get(2)?]);
            let width = u16::from_be_bytes([*frame.get(3)?, *frame.get(4)?]);
            let ok = supported
                && precision == 8
                && matches!(components, 1 | 3)
                && width > 0
                && height > 0;
            return ok.then_some(JpegInfo {
                width,
                height,
                components,
            });
        }
        i += len;
    }
}

/// The image XObject that shows `bytes` as they are.
pub fn xobject(bytes: &[u8], info: JpegInfo) -> ExternalXObject {
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    let colours = if info.components == 1 {
        "DeviceGray"
    } else {
        "DeviceRGB"
    };
    let dict: BTreeMap<String, DictItem> = [
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", DictItem::Int(i64::from(info.width))),
        ("Height", DictItem::Int(i64::from(info.height))),
        ("ColorSpace", name(colours)),
        ("BitsPerComponent", DictItem::Int(8)),
        ("Filter", name("DCTDecode")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content: bytes.to_vec(),
            compress: false,
        },
        width: Some(Px(usize::from(info.width))),
        height: Some(Px(usize::from(info.height))),
        dpi: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32, grey: bool) -> Vec<u8> {
        let mut out = std::io::Cursor::new(vec![]);
        if grey {
            image::GrayImage::from_pixel(w, h, image::Luma([90]))
                .write_to(&mut out, image::ImageFormat::Jpeg)
                .unwrap();
        } else {
            image::RgbImage::from_pixel(w, h, image::Rgb([10, 120, 90]))
                .write_to(&mut out, image::ImageFormat::Jpeg)
                .unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn the_frame_header_gives_the_size_and_colours() {
        let colour = info(&jpeg(1280, 960, false)).unwrap();
        assert_eq!(
            (colour.width, colour.height, colour.components),
            (1280, 960, 3)
        );
        let grey = info(&jpeg(40, 30, true)).unwrap();
        assert_eq!((grey.width, grey.height, grey.components), (40, 30, 1));
    }

    #[test]
    fn anything_else_is_not_passed_through() {
        let mut png = std::io::Cursor::new(vec![]);
        image::RgbImage::new(4, 4)
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        assert_eq!(info(&png.into_inner()), None);
        assert_eq!(info(&[]), None);
        assert_eq!(info(&[0xFF, 0xD8, 0xFF]), None);
        // A header cut short, and a length pointing past the end.
        let whole = jpeg(16, 16, false);
        for cut in [4, 10, 20, 100] {
            let _ = info(&whole[..cut.min(whole.len())]);
        }
        assert_eq!(info(&[0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]), None);
        // An arithmetic-coded frame (SOF9) is left to the decoder.
        let sof9 = [
            0xFF, 0xD8, 0xFF, 0xC9, 0x00, 0x0B, 8, 0, 16, 0, 16, 3, 0, 0, 0,
        ];
        assert_eq!(info(&sof9), None);
    }
}
