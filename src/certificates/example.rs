//! A filled-in certificate: what the layout tests vary, the benchmark renders,
//! and a preview can show before a company has certified anything.

use chrono::NaiveDate;

use super::{Certificate, CertificateLine, OnSite, Party, ServicedEquipment};
use crate::core::notice::Locale;

impl Certificate {
    /// A one-page certificate of a cartridge change at a Kyiv flat, in `locale`.
    pub fn example(locale: Locale) -> Certificate {
        let day = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap_or_default();
        let at = |h, m| day.and_hms_opt(h, m, 0).unwrap_or_default();
        Certificate {
            locale,
            number: "2026-000042".into(),
            issued_on: day,
            company: Party {
                name: "Aqua Service".into(),
                details: vec![
                    "Aqua Service LLC, 1 Khreshchatyk St, Kyiv 01001".into(),
                    "tax code 12345678".into(),
                ],
            },
            customer: Party {
                name: "Olena Kovalenko".into(),
                details: vec![],
            },
            site: "12 Khreshchatyk St, flat 4, Kyiv".into(),
            work_order: "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b".into(),
            equipment: vec![ServicedEquipment {
                kind: "Reverse osmosis filter".into(),
                model: Some("RO-5".into()),
                serial_number: Some("SN-000123".into()),
            }],
            on_site: Some(OnSite {
                arrived: at(10, 5),
                finished: at(11, 40),
            }),
            engineer: "Taras Melnyk".into(),
            signatory: "Olena Kovalenko".into(),
            lines: vec![CertificateLine {
                description: "Cartridge set".into(),
                quantity: 3.0,
                unit_price: 45_000,
                total: 135_000,
            }],
            total: 135_000,
            currency: "UAH".into(),
            parts: vec![super::PartLine {
                name: "Cartridge".into(),
                quantity: 3.0,
                unit_price: Some(45_000),
            }],
            summary: "Three cartridges changed, the system flushed and checked for leaks.".into(),
            notes: None,
            recommendations: Some("Change the membrane at the next visit.".into()),
            next_service: NaiveDate::from_ymd_opt(2027, 6, 15),
            photos: vec![],
            signature: None,
        }
    }
}
