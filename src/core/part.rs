//! The parts catalogue: what a company keeps in its warehouses and vans and
//! puts into its customers' equipment (a cartridge set, a membrane, a valve).
//! A part is known by its SKU, priced and costed in the company's currency,
//! and says which equipment it fits, so an order for a piece can offer it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::text_enum;
use super::ids::PartId;
use super::text::{self, SHORT};
use super::ValidationError;

text_enum! {
    /// What a part is, for lists and for the analytics of consumption.
    pub enum PartKind {
        Cartridge => "cartridge",
        Membrane => "membrane",
        Filter => "filter",
        SparePart => "spare_part",
        Consumable => "consumable",
    }
}

/// The languages a part's name may be given in besides its own.
pub const NAME_LOCALES: &[&str] = &["en", "uk", "ka", "bg", "fa"];
/// The most equipment kinds or models one part may list as fitting.
const MAX_COMPATIBLE: usize = 100;
/// The most a price or cost may be, in minor units (ten billion).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

fn default_unit() -> String {
    "pcs".into()
}

fn yes() -> bool {
    true
}

/// What may be set on a part.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PartFields {
    /// The stock-keeping unit, unique in the catalogue: letters, digits, `-`, `_`, `.`, `/`.
    pub sku: String,
    /// The name as the company writes it.
    pub name: String,
    /// The name in other languages, by locale (`uk`, `en`, `ka`, `bg`, `fa`).
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// What one counts it in: `pcs`, `m`, `l`, `set`.
    #[serde(default = "default_unit")]
    pub unit: String,
    pub kind: PartKind,
    /// The price to the customer, in minor units of the company's currency.
    pub price: i64,
    /// What the company pays for one, in minor units of the company's currency.
    pub cost: i64,
    /// The equipment kinds or models it fits ("RO filter", "Aquaphor Morion").
    #[serde(default)]
    pub compatible: Vec<String>,
    /// The code on its box (EAN-13, a supplier's code).
    #[serde(default)]
    pub barcode: Option<String>,
    /// An archived part stays in the ledger and on past orders, and is not offered.
    #[serde(default = "yes")]
    pub active: bool,
}

/// A part as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Part {
    pub id: PartId,
    #[serde(flatten)]
    pub fields: PartFields,
    /// The currency of `price` and `cost`: the company's.
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn code(field: &str, value: &str, extra: &[char]) -> Result<String, ValidationError> {
    let v = text::required(field, value, 64)?;
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || extra.contains(c)))
    {
        return Err(ValidationError::new(
            field,
            format!("may hold letters, digits and {extra:?}, not {c:?}"),
        ));
    }
    Ok(v)
}

/// A price or cost in minor units: not negative, not absurd.
pub fn amount(field: &str, value: i64) -> Result<i64, ValidationError> {
    if !(0..=MAX_AMOUNT).contains(&value) {
        return Err(ValidationError::new(
            field,
            format!("must be from 0 to {MAX_AMOUNT} minor units"),
        ));
    }
    Ok(value)
}

impl PartFields {
    /// The fields as kept: trimmed, the SKU in upper case so `ab-1` and `AB-1`
    /// are one part, names only in known languages.
    pub fn normalise(self) -> Result<PartFields, ValidationError> {
        let sku = code("sku", &self.sku, &['-', '_', '.', '/'])?.to_uppercase();
        let name = text::required("name", &self.name, SHORT)?;
        let mut names = BTreeMap::new();
        for (locale, n) in &self.names {
            if !NAME_LOCALES.contains(&locale.as_str()) {
                return Err(ValidationError::new(
                    format!("names.{}", locale.chars().take(16).collect::<String>()),
                    format!("is not one of the languages {NAME_LOCALES:?}"),
                ));
            }
            if let Some(n) = text::optional(&format!("names.{locale}"), Some(n), SHORT)? {
                names.insert(locale.clone(), n);
            }
        }
        let unit = text::required("unit", &self.unit, 16)?;
        if self.compatible.len() > MAX_COMPATIBLE {
            return Err(ValidationError::new(
                "compatible",
                format!("may list at most {MAX_COMPATIBLE} kinds or models"),
            ));
        }
        let mut compatible = vec![];
        for (i, c) in self.compatible.iter().enumerate() {
            let c = text::required(&format!("compatible[{i}]"), c, SHORT)?;
            if !compatible.contains(&c) {
                compatible.push(c);
            }
        }
        let barcode = match self.barcode.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(b) => Some(code("barcode", b, &['-'])?),
        };
        Ok(PartFields {
            sku,
            name,
            names,
            unit,
            kind: self.kind,
            price: amount("price", self.price)?,
            cost: amount("cost", self.cost)?,
            compatible,
            barcode,
            active: self.active,
        })
    }
}

impl Part {
    /// The name in `locale`, or the company's own.
    pub fn name_in(&self, locale: &str) -> &str {
        self.fields
            .names
            .get(locale)
            .map_or(self.fields.name.as_str(), String::as_str)
    }

    /// Whether the part fits a piece of this kind or model (case aside); a
    /// part that lists nothing fits anything.
    pub fn fits(&self, kind: &str, model: Option<&str>) -> bool {
        let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        self.fields.compatible.is_empty()
            || self
                .fields
                .compatible
                .iter()
                .any(|c| same(c, kind) || model.is_some_and(|m| same(c, m)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> PartFields {
        PartFields {
            sku: " crt-set-3 ".into(),
            name: "Cartridge set".into(),
            names: BTreeMap::from([("uk".into(), "Набір картриджів".into())]),
            unit: "set".into(),
            kind: PartKind::Cartridge,
            price: 120_000,
            cost: 70_000,
            compatible: vec!["RO filter".into(), "RO filter".into()],
            barcode: Some("4820000000011".into()),
            active: true,
        }
    }

    fn field_of(f: PartFields) -> String {
        f.normalise().unwrap_err().field
    }

    #[test]
    fn a_part_is_kept_tidy() {
        let f = fields().normalise().unwrap();
        assert_eq!(f.sku, "CRT-SET-3");
        assert_eq!(f.compatible, vec!["RO filter"]);
    }

    #[test]
    fn bad_values_name_their_field() {
        assert_eq!(
            field_of(PartFields {
                sku: "a b".into(),
                ..fields()
            }),
            "sku"
        );
        assert_eq!(
            field_of(PartFields {
                sku: "=1+2".into(),
                ..fields()
            }),
            "sku"
        );
        assert_eq!(
            field_of(PartFields {
                price: -1,
                ..fields()
            }),
            "price"
        );
        assert_eq!(
            field_of(PartFields {
                cost: i64::MAX,
                ..fields()
            }),
            "cost"
        );
        let mut names = BTreeMap::new();
        names.insert("xx".into(), "?".into());
        assert_eq!(field_of(PartFields { names, ..fields() }), "names.xx");
        let compatible = vec!["".into()];
        assert_eq!(
            field_of(PartFields {
                compatible,
                ..fields()
            }),
            "compatible[0]"
        );
        let barcode = Some("48 20".into());
        assert_eq!(
            field_of(PartFields {
                barcode,
                ..fields()
            }),
            "barcode"
        );
    }

    #[test]
    fn a_part_fits_by_kind_or_model() {
        let part = Part {
            id: PartId::new(),
            fields: fields().normalise().unwrap(),
            currency: "UAH".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert!(part.fits("ro filter", None));
        assert!(!part.fits("boiler", Some("Vaillant")));
        assert_eq!(part.name_in("uk"), "Набір картриджів");
        assert_eq!(part.name_in("ka"), "Cartridge set");
    }
}
