//! Past work from another system: finished orders, their visits and their
//! certificates. They are history, not work to do, so only finished states are
//! taken and the rules are those a finished record must meet.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::core::text::{self, LINE, NOTE, SHORT};
use crate::core::visit::{check_window, Outcome};
use crate::core::work_order::{order_currency, WorkOrderKind, WorkOrderStatus};
use crate::core::ValidationError;

/// A finished (or cancelled) work order of the other system.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastOrder {
    pub site_id: String,
    #[serde(default)]
    pub equipment_ids: Vec<String>,
    pub kind: WorkOrderKind,
    pub status: WorkOrderStatus,
    /// What was done, as one line of the order's scope.
    #[serde(default)]
    pub description: Option<String>,
    /// Minor units.
    #[serde(default)]
    pub total: i64,
    #[serde(default)]
    pub currency: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub completion_summary: Option<String>,
    #[serde(default)]
    pub engineer_notes: Option<String>,
}

/// The states history may be in: the work was done, or the order was called off.
const PAST: [WorkOrderStatus; 4] = [
    WorkOrderStatus::WorkDone,
    WorkOrderStatus::Certified,
    WorkOrderStatus::Closed,
    WorkOrderStatus::Cancelled,
];

impl PastOrder {
    /// Checks the order as history; the currency defaults to the company's.
    pub fn normalise(
        self,
        company_currency: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        if !PAST.contains(&self.status) {
            return Err(ValidationError::new(
                "status",
                "past work orders are work_done, certified, closed or cancelled",
            ));
        }
        let done = self.status != WorkOrderStatus::Cancelled;
        match self.completed_at {
            None if done => {
                return Err(ValidationError::new(
                    "completed_at",
                    "is required for work that was done",
                ))
            }
            Some(at) if at < self.created_at => {
                return Err(ValidationError::new(
                    "completed_at",
                    "is before the order was created",
                ))
            }
            Some(at) if at > now => {
                return Err(ValidationError::new("completed_at", "is in the future"))
            }
            _ => {}
        }
        if self.total < 0 {
            return Err(ValidationError::new("total", "must not be negative"));
        }
        Ok(PastOrder {
            currency: Some(order_currency(
                "currency",
                self.currency.as_deref(),
                company_currency,
            )?),
            description: text::optional("description", self.description.as_deref(), LINE)?,
            completion_summary: text::optional(
                "completion_summary",
                self.completion_summary.as_deref(),
                NOTE,
            )?,
            engineer_notes: text::optional("engineer_notes", self.engineer_notes.as_deref(), NOTE)?,
            completed_at: if done { self.completed_at } else { None },
            ..self
        })
    }
}

/// A visit of a past order, with the names of its photos in the photo folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastVisit {
    pub work_order_id: String,
    /// The engineer's e-mail: they must have an account here.
    pub engineer: String,
    pub planned_start: DateTime<Utc>,
    pub planned_end: DateTime<Utc>,
    #[serde(default)]
    pub arrived_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Outcome,
    #[serde(default)]
    pub result_notes: Option<String>,
    #[serde(default)]
    pub customer_rating: Option<i32>,
    #[serde(default)]
    pub customer_comment: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
}

impl PastVisit {
    pub fn normalise(self) -> Result<Self, ValidationError> {
        check_window(self.planned_start, self.planned_end)
            .map_err(|e| ValidationError::new("planned_end", e.message))?;
        if let (Some(a), Some(f)) = (self.arrived_at, self.finished_at) {
            if f < a {
                return Err(ValidationError::new("finished_at", "is before arrived_at"));
            }
        }
        if self.customer_rating.is_some_and(|r| !(1..=5).contains(&r)) {
            return Err(ValidationError::new("customer_rating", "must be 1 to 5"));
        }
        for (i, name) in self.photos.iter().enumerate() {
            file_name(&format!("photos[{i}]"), name)?;
        }
        Ok(PastVisit {
            engineer: self.engineer.trim().to_lowercase(),
            result_notes: text::optional("result_notes", self.result_notes.as_deref(), NOTE)?,
            customer_comment: text::optional(
                "customer_comment",
                self.customer_comment.as_deref(),
                NOTE,
            )?,
            ..self
        })
    }
}

/// A certificate the other system issued: its number and day, and maybe its PDF.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastCertificate {
    pub work_order_id: String,
    pub number: String,
    pub issued_at: DateTime<Utc>,
    /// The PDF's name in the files folder.
    #[serde(default)]
    pub file: Option<String>,
}

impl PastCertificate {
    pub fn normalise(self) -> Result<Self, ValidationError> {
        if let Some(name) = &self.file {
            file_name("file", name)?;
        }
        Ok(PastCertificate {
            number: text::required("number", &self.number, SHORT)?,
            ..self
        })
    }
}

/// A plain file name inside the import's folder: never a path out of it.
fn file_name(field: &str, name: &str) -> Result<(), ValidationError> {
    let bad = name.is_empty()
        || name.contains(['/', '\\', '\0'])
        || name == ".."
        || name == "."
        || name.len() > 255;
    if bad {
        return Err(ValidationError::new(
            field,
            "must be a file name in the folder, without a path",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-12-01T00:00:00Z".parse().unwrap()
    }

    fn order(status: &str, completed: Option<&str>) -> PastOrder {
        serde_json::from_value(json!({
            "site_id": "s", "kind": "service", "status": status,
            "created_at": "2024-03-01T09:00:00Z", "completed_at": completed, "total": 125050,
        }))
        .unwrap()
    }

    #[test]
    fn done_work_needs_its_completion_in_the_past() {
        let ok = order("closed", Some("2024-03-05T12:00:00Z"))
            .normalise("UAH", now())
            .unwrap();
        assert_eq!(ok.currency.as_deref(), Some("UAH"));
        let field = |o: PastOrder| o.normalise("UAH", now()).unwrap_err().field;
        assert_eq!(field(order("closed", None)), "completed_at");
        assert_eq!(
            field(order("closed", Some("2024-02-01T00:00:00Z"))),
            "completed_at"
        );
        assert_eq!(
            field(order("closed", Some("2027-01-01T00:00:00Z"))),
            "completed_at"
        );
        assert_eq!(
            field(order("scheduled", Some("2024-03-05T12:00:00Z"))),
            "status"
        );
        let cancelled = order("cancelled", Some("2024-03-05T12:00:00Z"))
            .normalise("UAH", now())
            .unwrap();
        assert_eq!(cancelled.completed_at, None);
    }

    #[test]
    fn visits_keep_to_their_window_and_photo_names_stay_in_the_folder() {
        let visit = |photos: serde_json::Value, rating: i32| -> PastVisit {
            serde_json::from_value(json!({
                "work_order_id": "w", "engineer": " Ivan@Example.COM ", "outcome": "done",
                "planned_start": "2024-03-05T09:00:00Z", "planned_end": "2024-03-05T10:00:00Z",
                "photos": photos, "customer_rating": rating,
            }))
            .unwrap()
        };
        assert_eq!(
            visit(json!(["a.jpg"]), 5).normalise().unwrap().engineer,
            "ivan@example.com"
        );
        assert_eq!(
            visit(json!(["../etc/passwd"]), 5)
                .normalise()
                .unwrap_err()
                .field,
            "photos[0]"
        );
        assert_eq!(
            visit(json!([]), 6).normalise().unwrap_err().field,
            "customer_rating"
        );
    }
}
