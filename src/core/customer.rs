//! Customers: the people and organisations a company must never forget.

use crate::core::ids::CustomerId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::text::{self, LINE, NOTE, SHORT};
use super::{Fields, InputContext, ValidationError};
use crate::core::fields::text_enum;

text_enum! {
    /// Whether the customer is a private person or an organisation with legal details.
    pub enum CustomerKind { Person => "person", Organisation => "organisation" }
}

text_enum! {
    /// The market segment: private households or businesses.
    pub enum Segment { B2c => "b2c", B2b => "b2b" }
}

/// What a manager may set on a customer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerFields {
    pub kind: CustomerKind,
    pub segment: Segment,
    /// The name people use: "Olena Kovalenko", "Aqua Cafe".
    pub name: String,
    /// Registered name of an organisation, as on invoices.
    #[serde(default)]
    pub legal_name: Option<String>,
    /// Tax or registration number (EDRPOU, VAT number, …).
    #[serde(default)]
    pub tax_id: Option<String>,
    #[serde(default)]
    pub legal_address: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Fields for CustomerFields {
    const ENTITY: &'static str = "customer";

    fn normalise(self, _ctx: &InputContext) -> Result<Self, ValidationError> {
        let tax_id = text::optional("tax_id", self.tax_id.as_deref(), 32)?;
        if let Some(t) = &tax_id {
            if !t
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == ' ')
            {
                return Err(ValidationError::new(
                    "tax_id",
                    "may hold only letters, digits, spaces and dashes",
                ));
            }
        }
        Ok(CustomerFields {
            kind: self.kind,
            segment: self.segment,
            name: text::required("name", &self.name, SHORT)?,
            legal_name: text::optional("legal_name", self.legal_name.as_deref(), SHORT)?,
            tax_id,
            legal_address: text::optional("legal_address", self.legal_address.as_deref(), LINE)?,
            notes: text::optional("notes", self.notes.as_deref(), NOTE)?,
            tags: text::tags("tags", &self.tags)?,
        })
    }
}

impl CustomerFields {
    /// The words a customer is found by, beside those of its contacts and sites.
    pub fn search_words(&self) -> Vec<&str> {
        let mut words = vec![self.name.as_str()];
        words.extend(self.legal_name.as_deref());
        words.extend(self.tax_id.as_deref());
        words.extend(self.tags.iter().map(String::as_str));
        words
    }
}

/// A customer as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Customer {
    pub id: CustomerId,
    #[serde(flatten)]
    pub fields: CustomerFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when archived: hidden from lists, history kept.
    pub archived_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> InputContext {
        InputContext {
            phone_region: "UA".parse().unwrap(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        }
    }

    fn fields(name: &str) -> CustomerFields {
        CustomerFields {
            kind: CustomerKind::Person,
            segment: Segment::B2c,
            name: name.into(),
            legal_name: None,
            tax_id: None,
            legal_address: None,
            notes: Some("  ".into()),
            tags: vec!["VIP".into()],
        }
    }

    #[test]
    fn normalise_trims_and_drops_blank_notes() {
        let f = fields("  Олена Коваленко ").normalise(&ctx()).unwrap();
        assert_eq!(f.name, "Олена Коваленко");
        assert_eq!(f.notes, None);
        assert_eq!(f.tags, vec!["vip"]);
    }

    #[test]
    fn empty_name_and_odd_tax_id_are_named() {
        assert_eq!(fields("").normalise(&ctx()).unwrap_err().field, "name");
        let mut f = fields("A");
        f.tax_id = Some("12$".into());
        assert_eq!(f.normalise(&ctx()).unwrap_err().field, "tax_id");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<CustomerFields>(
            r#"{"kind":"person","segment":"b2c","name":"A","colour":"red"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("colour"));
    }
}
