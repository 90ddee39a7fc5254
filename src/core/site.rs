//! Sites: the addresses where equipment stands and engineers go.

use crate::core::ids::SiteId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::geo::GeoPoint;
use super::text::{self, LINE, NOTE, SHORT};
use super::{ids, Fields, InputContext, ValidationError};

/// What may be set on a site.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFields {
    /// The customer this site belongs to; fixed at creation.
    pub customer_id: String,
    /// A short name: "Home", "Cafe on Khreshchatyk".
    #[serde(default)]
    pub label: Option<String>,
    pub address_line1: String,
    #[serde(default)]
    pub address_line2: Option<String>,
    pub city: String,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// WGS 84 latitude, -90..90; given together with longitude.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// WGS 84 longitude, -180..180; given together with latitude.
    #[serde(default)]
    pub longitude: Option<f64>,
    /// How to get in: gate code, where the key is, the dog.
    #[serde(default)]
    pub access_notes: Option<String>,
}

impl Fields for SiteFields {
    const ENTITY: &'static str = "site";
    const IMMUTABLE: &'static [&'static str] = &["customer_id"];

    fn normalise(self, _ctx: &InputContext) -> Result<Self, ValidationError> {
        let point = GeoPoint::parse_pair(self.latitude, self.longitude)?;
        Ok(SiteFields {
            customer_id: ids::parse_id(&self.customer_id)
                .ok_or_else(|| ValidationError::new("customer_id", "is not a valid id"))?,
            label: text::optional("label", self.label.as_deref(), SHORT)?,
            address_line1: text::required("address_line1", &self.address_line1, LINE)?,
            address_line2: text::optional("address_line2", self.address_line2.as_deref(), LINE)?,
            city: text::required("city", &self.city, SHORT)?,
            postal_code: text::optional("postal_code", self.postal_code.as_deref(), 20)?,
            latitude: point.map(|p| p.latitude),
            longitude: point.map(|p| p.longitude),
            access_notes: text::optional("access_notes", self.access_notes.as_deref(), NOTE)?,
        })
    }
}

/// An address as a customer reads it: "Khreshchatyk 1, apt 5, Kyiv".
pub fn one_line(line1: &str, line2: Option<&str>, city: &str) -> String {
    [Some(line1), line2, Some(city)]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

impl SiteFields {
    /// The address in one line, as a customer reads it.
    pub fn one_line(&self) -> String {
        one_line(
            &self.address_line1,
            self.address_line2.as_deref(),
            &self.city,
        )
    }

    /// Words that find the customer by this address.
    pub fn search_words(&self) -> Vec<String> {
        let mut words = vec![self.address_line1.clone(), self.city.clone()];
        words.extend(self.label.clone());
        words.extend(self.postal_code.clone());
        words
    }
}

/// A site as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Site {
    pub id: SiteId,
    #[serde(flatten)]
    pub fields: SiteFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_checked() {
        let site: SiteFields = serde_json::from_value(serde_json::json!({
            "customer_id": ids::new_id(),
            "address_line1": "Khreshchatyk 1",
            "city": "Kyiv",
            "latitude": 95.0,
            "longitude": 30.5,
        }))
        .unwrap();
        let ctx = InputContext {
            phone_region: "UA".parse().unwrap(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        };
        assert_eq!(site.normalise(&ctx).unwrap_err().field, "latitude");
    }
}
