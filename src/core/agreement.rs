//! Agreements: what was promised to a customer, kept until it is honoured.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dates::Span;
use super::text::{self, NOTE};
use super::ValidationError;
use crate::core::fields::text_enum;

text_enum! {
    /// What kind of promise it is.
    pub enum AgreementKind {
        Discount => "discount",
        FutureWork => "future_work",
        Terms => "terms",
        Other => "other",
    }
}

text_enum! {
    /// Whether the promise still stands.
    pub enum AgreementStatus { Active => "active", Honoured => "honoured" }
}

/// What a manager records after a call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementDraft {
    pub kind: AgreementKind,
    /// The promise in words: "10% off the next cartridge change".
    pub text: String,
    /// A fixed amount in minor units of the company's currency.
    #[serde(default)]
    pub amount: Option<i64>,
    /// A percentage, above 0 and at most 100.
    #[serde(default)]
    pub percent: Option<f64>,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// When to come back to it: a reminder falls due that day.
    #[serde(default)]
    pub follow_up_on: Option<NaiveDate>,
}

impl AgreementDraft {
    /// Checks every value.
    pub fn normalise(self, today: NaiveDate) -> Result<AgreementDraft, ValidationError> {
        if let Some(a) = self.amount {
            if a < 0 {
                return Err(ValidationError::new("amount", "must not be negative"));
            }
        }
        if let Some(p) = self.percent {
            if !p.is_finite() || p <= 0.0 || p > 100.0 {
                return Err(ValidationError::new(
                    "percent",
                    "must be above 0 and at most 100",
                ));
            }
        }
        if self.amount.is_some() && self.percent.is_some() {
            return Err(ValidationError::new(
                "percent",
                "give an amount or a percent, not both",
            ));
        }
        if let Some(v) = self.valid_until {
            if v < today {
                return Err(ValidationError::new("valid_until", "is in the past"));
            }
        }
        super::dates::check_optional_day("valid_until", self.valid_until, today, Span::Any)?;
        super::dates::check_optional_day("follow_up_on", self.follow_up_on, today, Span::Any)?;
        Ok(AgreementDraft {
            text: text::required("text", &self.text, NOTE)?,
            ..self
        })
    }
}

/// An agreement as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Agreement {
    pub id: String,
    pub customer_id: String,
    pub kind: AgreementKind,
    pub text: String,
    pub amount: Option<i64>,
    pub currency: String,
    pub percent: Option<f64>,
    pub valid_until: Option<NaiveDate>,
    pub follow_up_on: Option<NaiveDate>,
    pub status: AgreementStatus,
    pub honoured_work_order_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}
