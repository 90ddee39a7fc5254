//! The demo company's stock: a small catalogue (cartridge sets, a membrane,
//! service kits, salt), a main warehouse with a minimum for each part (two
//! of them running low, so the purchase list has lines), and a van for each
//! engineer with a few of each. The services of the demo's plans and orders
//! name their part, so agreed orders hold it and tomorrow's routes have a
//! load list.

use std::collections::BTreeMap;

use super::Staff;
use crate::core::ids::PartId;
use crate::core::part::{PartFields, PartKind};
use crate::core::role::Role;
use crate::core::stock::{Line, LocationFields, LocationKind};
use crate::error::AppError;
use crate::flow::stock::{self, Minimum, Receipt};
use crate::flow::{parts, Actor};
use crate::runtime::Runtime;
use crate::store::DbConnection;

/// (SKU, name, Ukrainian name, kind, unit, price, cost, warehouse stock, minimum, in each van).
type DemoPart = (
    &'static str,
    &'static str,
    &'static str,
    PartKind,
    &'static str,
    i64,
    i64,
    f64,
    f64,
    f64,
);

const CATALOGUE: &[DemoPart] = &[
    (
        "CRT-SET-3",
        "Cartridge set, 3 stages",
        "Набір картриджів, 3 ступені",
        PartKind::Cartridge,
        "set",
        95_000,
        52_000,
        40.0,
        15.0,
        1.0,
    ),
    (
        "MEM-RO-75",
        "RO membrane 75 GPD",
        "Мембрана зворотного осмосу 75 GPD",
        PartKind::Membrane,
        "pcs",
        210_000,
        128_000,
        6.0,
        4.0,
        0.0,
    ),
    (
        "KIT-BOILER",
        "Boiler service kit",
        "Сервісний набір для котла",
        PartKind::SparePart,
        "set",
        30_000,
        14_500,
        12.0,
        20.0,
        1.0,
    ),
    (
        "FOAM-AC",
        "AC coil cleaning foam",
        "Піна для чищення кондиціонера",
        PartKind::Consumable,
        "pcs",
        15_000,
        6_200,
        30.0,
        10.0,
        1.0,
    ),
    (
        "SALT-25",
        "Regeneration salt, 25 kg",
        "Сіль для регенерації, 25 кг",
        PartKind::Consumable,
        "pcs",
        35_000,
        21_000,
        50.0,
        20.0,
        0.0,
    ),
    (
        "VALVE-14",
        "Pressure valve 1/4\"",
        "Клапан тиску 1/4\"",
        PartKind::SparePart,
        "pcs",
        18_000,
        7_900,
        3.0,
        5.0,
        1.0,
    ),
];

/// The part each demo service puts in, by the service's name.
pub const SERVICE_PARTS: &[(&str, &str)] = &[
    ("Cartridge set change", "CRT-SET-3"),
    ("Annual boiler service", "KIT-BOILER"),
    ("Air conditioner cleaning", "FOAM-AC"),
    ("Softener resin regeneration", "SALT-25"),
];

/// The demo's parts by SKU.
pub type DemoParts = BTreeMap<&'static str, PartId>;

/// Sets up the catalogue, the warehouse, the vans and their stock.
pub fn load(
    conn: &mut DbConnection,
    runtime: &Runtime,
    staff: &Staff,
) -> Result<DemoParts, AppError> {
    let admin: Actor = runtime.actor(&staff.administrators[0], vec![Role::Administrator]);
    let mut ids = DemoParts::new();
    for &(sku, name, uk, kind, unit, price, cost, ..) in CATALOGUE {
        let part = parts::add(
            conn,
            &admin,
            PartFields {
                sku: sku.into(),
                name: name.into(),
                names: [("uk".to_owned(), uk.to_owned())].into(),
                unit: unit.into(),
                kind,
                price,
                cost,
                compatible: vec![],
                barcode: None,
                active: true,
            },
        )?;
        ids.insert(sku, part.id);
    }
    let warehouse = stock::add_location(
        conn,
        LocationFields {
            kind: LocationKind::Warehouse,
            name: "Main warehouse".into(),
            engineer_id: None,
            address: Some("Kyiv, Kyrylivska St, 41".into()),
            allow_negative: false,
            active: true,
        },
    )?;
    let lines = |pick: fn(&DemoPart) -> f64| -> Vec<Line> {
        CATALOGUE
            .iter()
            .filter(|p| pick(p) > 0.0)
            .map(|p| Line {
                part_id: ids[p.0].to_string(),
                quantity: pick(p),
            })
            .collect()
    };
    stock::receive(
        conn,
        &admin,
        Receipt {
            location_id: warehouse.id.to_string(),
            lines: lines(|p| p.7),
            reason: Some("Opening stock".into()),
        },
    )?;
    for p in CATALOGUE {
        stock::set_minimum(
            conn,
            &warehouse.id,
            Minimum {
                part_id: ids[p.0].to_string(),
                minimum: Some(p.8),
            },
        )?;
    }
    for (i, engineer) in staff.engineers.iter().enumerate() {
        let van = stock::add_location(
            conn,
            LocationFields {
                kind: LocationKind::Van,
                name: format!("Van {}", i + 1),
                engineer_id: Some(engineer.to_string()),
                address: None,
                allow_negative: false,
                active: true,
            },
        )?;
        stock::receive(
            conn,
            &admin,
            Receipt {
                location_id: van.id.to_string(),
                lines: lines(|p| p.9),
                reason: Some("Opening stock".into()),
            },
        )?;
    }
    Ok(ids)
}
