//! Reminders: something due for a customer, waiting in a manager's inbox.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text_enum;

text_enum! {
    /// Why the reminder exists.
    pub enum ReminderKind {
        Maintenance => "maintenance",
        FollowUp => "follow_up",
        Agreement => "agreement",
        Manual => "manual",
        /// For administrators: a booked visit whose window passed with no one setting out.
        OverdueVisit => "overdue_visit",
        /// For administrators: work done but not certified after some days.
        NotCertified => "not_certified",
        /// For administrators: the customer asked, through their link, for another time.
        CustomerRequest => "customer_request",
    }
}

text_enum! {
    /// Where a reminder stands; only open (and snoozed, once due again) ones fill the inbox.
    pub enum ReminderStatus {
        Open => "open",
        Snoozed => "snoozed",
        Dismissed => "dismissed",
        Converted => "converted",
    }
}

/// A reminder as the API returns it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Reminder {
    pub id: String,
    pub customer_id: String,
    pub customer_name: Option<String>,
    pub kind: ReminderKind,
    pub status: ReminderStatus,
    /// When it is due; the inbox shows the soonest first.
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub equipment_id: Option<String>,
    pub agreement_id: Option<String>,
    /// The order whose closing asked for this follow-up.
    pub work_order_id: Option<String>,
    /// The order opened from this reminder.
    pub converted_work_order_id: Option<String>,
    pub snoozed_until: Option<NaiveDate>,
    pub dismiss_reason: Option<String>,
    /// The maintenance plan that produced it.
    pub plan_id: Option<String>,
    pub created_at: DateTime<Utc>,
}
