//! Equipment: the installed items whose maintenance the company lives on.

use crate::core::ids::EquipmentId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dates::{self, Span};
use super::text::{self, NOTE, SHORT};
use super::{ids, Fields, InputContext, ValidationError};
use crate::core::fields::text_enum;

text_enum! {
    /// Whether the item is working, waiting for repair, or gone from the site.
    pub enum EquipmentStatus {
        InService => "in_service",
        NeedsRepair => "needs_repair",
        Removed => "removed",
    }
}

fn in_service() -> EquipmentStatus {
    EquipmentStatus::InService
}

/// What may be set on a piece of equipment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EquipmentFields {
    /// The site where it stands; it may move to another site of the same customer.
    pub site_id: String,
    /// What it is: "reverse osmosis filter", "gas boiler".
    pub kind: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub serial_number: Option<String>,
    #[serde(default)]
    pub installed_on: Option<NaiveDate>,
    #[serde(default = "in_service")]
    pub status: EquipmentStatus,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Fields for EquipmentFields {
    const ENTITY: &'static str = "equipment";

    fn normalise(self, ctx: &InputContext) -> Result<Self, ValidationError> {
        Ok(EquipmentFields {
            site_id: ids::parse_id(&self.site_id)
                .ok_or_else(|| ValidationError::new("site_id", "is not a valid id"))?,
            kind: text::required("kind", &self.kind, SHORT)?,
            model: text::optional("model", self.model.as_deref(), SHORT)?,
            serial_number: text::optional("serial_number", self.serial_number.as_deref(), SHORT)?,
            installed_on: dates::check_optional_day(
                "installed_on",
                self.installed_on,
                ctx.today,
                Span::Past,
            )?,
            status: self.status,
            notes: text::optional("notes", self.notes.as_deref(), NOTE)?,
        })
    }
}

/// A piece of equipment as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Equipment {
    pub id: EquipmentId,
    /// The owner of the site, kept beside the site for the customer card.
    pub customer_id: String,
    #[serde(flatten)]
    pub fields: EquipmentFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_defaults_to_in_service_and_kind_is_required() {
        let e: EquipmentFields = serde_json::from_value(serde_json::json!({
            "site_id": ids::new_id(),
            "kind": " ",
        }))
        .unwrap();
        assert_eq!(e.status, EquipmentStatus::InService);
        let ctx = InputContext {
            phone_region: "UA".parse().unwrap(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        };
        assert_eq!(e.normalise(&ctx).unwrap_err().field, "kind");
    }
}
