//! SMS length: which alphabet a text needs and how many billed parts it makes.
//!
//! Providers bill per segment, and one Cyrillic letter turns a whole message from
//! GSM-7 (160 characters) into UCS-2 (70), so the owner sees this while editing.

use serde::Serialize;
use utoipa::ToSchema;

use crate::core::fields::text_enum;

text_enum! {
    /// The alphabet a message is sent in.
    pub enum SmsEncoding { Gsm7 => "gsm7", Ucs2 => "ucs2" }
}

/// The length of one SMS as the network counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct SmsLength {
    pub encoding: SmsEncoding,
    /// Septets in GSM-7 (extension characters count two), UTF-16 units in UCS-2.
    pub units: usize,
    /// Billed parts: 160/153 units per part in GSM-7, 70/67 in UCS-2.
    pub segments: usize,
}

/// The GSM 03.38 default alphabet.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Characters reached through the escape code: two septets each.
const GSM_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Measures a text.
pub fn measure(text: &str) -> SmsLength {
    let mut septets = 0;
    let mut gsm = true;
    for c in text.chars() {
        if GSM_BASIC.contains(c) {
            septets += 1;
        } else if GSM_EXTENSION.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    let (encoding, units, single, part) = if gsm {
        (SmsEncoding::Gsm7, septets, 160, 153)
    } else {
        (SmsEncoding::Ucs2, text.encode_utf16().count(), 70, 67)
    };
    let segments = match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(part),
    };
    SmsLength {
        encoding,
        units,
        segments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_is_gsm7() {
        let m = measure("Your visit is on 12 Dec, 10:00-12:00.");
        assert_eq!(m.encoding, SmsEncoding::Gsm7);
        assert_eq!(m.segments, 1);
        assert_eq!(measure(&"a".repeat(160)).segments, 1);
        assert_eq!(measure(&"a".repeat(161)).segments, 2);
        assert_eq!(measure(&"a".repeat(306)).segments, 2);
        assert_eq!(measure(&"a".repeat(307)).segments, 3);
    }

    #[test]
    fn extension_characters_count_twice() {
        let m = measure("Price: 100€ [incl.]");
        assert_eq!(m.encoding, SmsEncoding::Gsm7);
        assert_eq!(m.units, 19 + 3);
    }

    #[test]
    fn cyrillic_is_ucs2() {
        let m = measure("Візит 12 грудня о 10:00");
        assert_eq!(m.encoding, SmsEncoding::Ucs2);
        assert_eq!(m.units, 23);
        assert_eq!(m.segments, 1);
        assert_eq!(measure(&"ї".repeat(70)).segments, 1);
        assert_eq!(measure(&"ї".repeat(71)).segments, 2);
        assert_eq!(measure(&"ї".repeat(135)).segments, 3);
    }

    #[test]
    fn emoji_take_two_units() {
        assert_eq!(measure("ok 👍").units, 5);
        assert_eq!(measure("").segments, 0);
    }
}
