//! Visits: an engineer's appointment for a work order, and what came of it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::PartId;
use super::stock::Quantity;
use super::text::{self, LINE};
use super::work_order::ScopeLine;
use super::ValidationError;
use crate::core::fields::text_enum;

text_enum! {
    /// Where a visit stands.
    pub enum VisitStatus {
        Booked => "booked",
        EnRoute => "en_route",
        OnSite => "on_site",
        Finished => "finished",
        Cancelled => "cancelled",
    }
}

impl VisitStatus {
    /// Booked or under way: the engineer's time is taken.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            VisitStatus::Booked | VisitStatus::EnRoute | VisitStatus::OnSite
        )
    }
}

text_enum! {
    /// How a visit ended.
    pub enum Outcome { Done => "done", NoAccess => "no_access", NeedsFollowUp => "needs_follow_up" }
}

/// A part taken from the van and left at the site: a catalogue part (issued
/// from the van's stock when the visit is finished) or one named in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartUsed {
    /// Required for a part named in words; a catalogue part is named as the
    /// catalogue names it, whatever is sent.
    #[serde(default)]
    pub name: String,
    pub quantity: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_id: Option<PartId>,
    /// The price to the customer, in minor units: the order's line for the
    /// part, or the catalogue's. Set by the server; what a client sends is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<i64>,
    /// What the part cost the company, from the catalogue when it was used.
    /// Set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_cost: Option<i64>,
}

/// Checks the parts list, naming the bad entry; prices and costs are
/// cleared for the server to set. A catalogue part is listed once.
pub fn check_parts(field: &str, parts: &[PartUsed]) -> Result<Vec<PartUsed>, ValidationError> {
    if parts.len() > 100 {
        return Err(ValidationError::new(field, "may list at most 100 parts"));
    }
    let mut out: Vec<PartUsed> = Vec::with_capacity(parts.len());
    for (i, p) in parts.iter().enumerate() {
        let name = match &p.part_id {
            Some(_) => text::optional(&format!("{field}[{i}].name"), Some(&p.name), LINE)?
                .unwrap_or_default(),
            None => text::required(&format!("{field}[{i}].name"), &p.name, LINE)?,
        };
        if !p.quantity.is_finite() || p.quantity <= 0.0 || p.quantity > 10_000.0 {
            return Err(ValidationError::new(
                format!("{field}[{i}].quantity"),
                "must be above 0 and at most 10000",
            ));
        }
        let quantity = Quantity::positive(&format!("{field}[{i}].quantity"), p.quantity)?;
        if p.part_id.is_some() && out.iter().any(|o| o.part_id == p.part_id) {
            return Err(ValidationError::new(
                format!("{field}[{i}].part_id"),
                "is listed twice",
            ));
        }
        out.push(PartUsed {
            name,
            quantity: quantity.as_f64(),
            part_id: p.part_id.clone(),
            unit_price: None,
            unit_cost: None,
        });
    }
    Ok(out)
}

/// The planned start and end of a visit; the end after the start, at most a day apart.
pub fn check_window(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), ValidationError> {
    if end <= start {
        return Err(ValidationError::new("end", "must be after start"));
    }
    if end - start > Duration::hours(24) {
        return Err(ValidationError::new(
            "end",
            "a visit may last at most 24 hours",
        ));
    }
    Ok(())
}

/// Whether two half-open windows `[start, end)` share any moment.
pub fn overlaps(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

text_enum! {
    /// What the customer answered through the link in their message.
    pub enum CustomerAnswer {
        Confirmed => "confirmed",
        /// Asked for another time; the office gets a reminder.
        AskedToMove => "asked_to_move",
    }
}

/// The customer's latest answer about a visit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerResponse {
    pub answer: CustomerAnswer,
    /// What they wrote, such as the times that suit them.
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// A photo or the signature of a visit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisitFile {
    pub id: String,
    pub kind: crate::core::media::MediaKind,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

/// A visit as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Visit {
    pub id: String,
    pub work_order_id: String,
    pub engineer_id: String,
    pub engineer_name: Option<String>,
    pub planned_start: DateTime<Utc>,
    pub planned_end: DateTime<Utc>,
    pub on_site_contact_id: Option<String>,
    pub status: VisitStatus,
    pub travel_started_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub result_notes: Option<String>,
    pub lines_done: Vec<ScopeLine>,
    pub parts_used: Vec<PartUsed>,
    /// The customer's answer through the link in the visit message, if any.
    pub customer_response: Option<CustomerResponse>,
    /// What the engineer recommends for the next service.
    pub recommendations: Option<String>,
    /// The customer's rating of the visit, 1 to 5.
    pub customer_rating: Option<i32>,
    pub customer_comment: Option<String>,
    /// Photos and the customer's signature; each at `/visits/{visit}/files/{id}`.
    pub files: Vec<VisitFile>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn windows_touching_at_an_end_do_not_overlap() {
        assert!(overlaps((at(9), at(11)), (at(10), at(12))));
        assert!(!overlaps((at(9), at(10)), (at(10), at(11))));
        assert!(overlaps((at(9), at(17)), (at(10), at(11))));
    }

    #[test]
    fn windows_must_run_forward() {
        assert_eq!(check_window(at(10), at(9)).unwrap_err().field, "end");
        assert!(check_window(at(9), at(10)).is_ok());
    }
}
