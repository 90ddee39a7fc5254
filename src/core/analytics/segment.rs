//! Segments: saved filters over customers ("private customers with a filter of
//! model X, last serviced more than 10 months ago"), for counts, analytics and
//! mass messages.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::core::customer::{CustomerKind, Segment};
use crate::core::text::{self, SHORT};
use crate::core::ValidationError;

/// The conditions a customer must all meet; none at all means every customer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SegmentRule {
    #[serde(default)]
    pub kind: Option<CustomerKind>,
    #[serde(default)]
    pub segment: Option<Segment>,
    /// Has a site in this city (any case).
    #[serde(default)]
    pub city: Option<String>,
    /// Has equipment of this kind: `water_filter`.
    #[serde(default)]
    pub equipment_kind: Option<String>,
    /// Has equipment whose model contains this (any case).
    #[serde(default)]
    pub equipment_model: Option<String>,
    /// The last completed order was more than this many months ago.
    #[serde(default)]
    pub last_service_over_months: Option<u32>,
    /// The last completed order was at most this many months ago.
    #[serde(default)]
    pub last_service_within_months: Option<u32>,
    /// Has (true) or has not (false) an active maintenance plan past its due date.
    #[serde(default)]
    pub maintenance_overdue: Option<bool>,
    /// Carries this tag.
    #[serde(default)]
    pub tag: Option<String>,
}

impl SegmentRule {
    /// Trims the texts and checks the ranges; errors name the field under `rule.`.
    pub fn normalise(self) -> Result<SegmentRule, ValidationError> {
        let words = |field: &str, v: Option<String>| {
            text::optional(&format!("rule.{field}"), v.as_deref(), SHORT)
        };
        let months = |field: &str, v: Option<u32>| match v {
            Some(m) if !(1..=600).contains(&m) => Err(ValidationError::new(
                format!("rule.{field}"),
                "must be 1 to 600 months",
            )),
            other => Ok(other),
        };
        Ok(SegmentRule {
            kind: self.kind,
            segment: self.segment,
            city: words("city", self.city)?,
            equipment_kind: words("equipment_kind", self.equipment_kind)?,
            equipment_model: words("equipment_model", self.equipment_model)?,
            last_service_over_months: months(
                "last_service_over_months",
                self.last_service_over_months,
            )?,
            last_service_within_months: months(
                "last_service_within_months",
                self.last_service_within_months,
            )?,
            maintenance_overdue: self.maintenance_overdue,
            tag: words("tag", self.tag)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_trimmed_and_bad_months_named() {
        let r: SegmentRule = serde_json::from_str(
            r#"{"segment":"b2c","equipment_model":" AquaPro ","last_service_over_months":10}"#,
        )
        .unwrap();
        let r = r.normalise().unwrap();
        assert_eq!(r.equipment_model.as_deref(), Some("AquaPro"));
        let bad = SegmentRule {
            last_service_within_months: Some(0),
            ..Default::default()
        };
        assert_eq!(
            bad.normalise().unwrap_err().field,
            "rule.last_service_within_months"
        );
        assert!(serde_json::from_str::<SegmentRule>(r#"{"colour":"red"}"#).is_err());
    }
}
