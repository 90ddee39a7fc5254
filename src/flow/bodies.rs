//! Request bodies of the work-order actions. Each carries the `version` it read,
//! unless the client sends it as `If-Match`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::core::visit::PartUsed;
use crate::core::work_order::{Priority, ScopeLine};

/// Just the version: for actions that need nothing else.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionOnly {
    pub version: Option<i64>,
}

/// The engineer sets out; the customer is told when to expect them.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartTravel {
    pub version: Option<i64>,
    /// The engineer's own estimate of the drive, in minutes (1 to 600); the
    /// company's usual travel time when absent.
    pub eta_minutes: Option<u32>,
}

/// The manager agrees price and scope with the customer.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agree {
    pub version: Option<i64>,
    /// The agreed scope; replaces the draft's. Required unless the order already has lines.
    pub scope_lines: Option<Vec<ScopeLine>>,
    pub estimated_minutes: Option<i32>,
    pub priority: Option<Priority>,
    pub required_skills: Option<Vec<String>>,
    pub engineer_notes: Option<String>,
    pub time_wishes: Option<String>,
    /// Replaces the customer's time windows.
    #[serde(default)]
    pub time_windows: Option<Vec<crate::core::route::TimeWindow>>,
    /// Agreements of this customer that this order keeps (a promised discount).
    #[serde(default)]
    pub honoured_agreement_ids: Vec<String>,
}

/// The administrator books (or moves) the visit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub version: Option<i64>,
    pub engineer_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Who lets the engineer in; a contact of the order's customer.
    pub on_site_contact_id: Option<String>,
    /// Book even if the engineer has another visit at that time.
    #[serde(default)]
    pub force: bool,
}

/// A reason, for unschedule, no-access and cancel.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub version: Option<i64>,
    pub reason: Option<String>,
}

/// Put off until a date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Postpone {
    pub version: Option<i64>,
    pub until: NaiveDate,
    pub reason: String,
}

/// The engineer's report.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Finish {
    pub version: Option<i64>,
    pub result_notes: Option<String>,
    /// What was done; the agreed scope when absent.
    pub lines_done: Option<Vec<ScopeLine>>,
    #[serde(default)]
    pub parts_used: Vec<PartUsed>,
    /// `true` when another visit is needed for the same job.
    #[serde(default)]
    pub needs_follow_up: bool,
    /// What the engineer recommends for the next service; printed on the certificate.
    pub recommendations: Option<String>,
    /// The customer's rating of the visit, 1 to 5, if they gave one.
    pub customer_rating: Option<i32>,
    pub customer_comment: Option<String>,
}

/// The administrator's completion record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Certify {
    pub version: Option<i64>,
    pub summary: String,
    /// Work lines done, as certified; the engineer's report when absent.
    pub lines_done: Option<Vec<ScopeLine>>,
}

/// The manager closes the order and plans the next step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Close {
    pub version: Option<i64>,
    pub next_step: String,
    /// A follow-up reminder falls due on this day.
    pub follow_up_on: Option<NaiveDate>,
    #[serde(default)]
    pub honoured_agreement_ids: Vec<String>,
}
