//! Notifications: what the customer is told, on which channel, and when.
//!
//! The outbox stores every message with its delivery state; these are the pure
//! rules it runs on: the events that cause a message, the templates and their
//! words, who receives it, quiet hours and retry delays.

pub mod delivery;
pub mod format;
pub mod link;
pub mod template;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::core::fields::text_enum;

text_enum! {
    /// What happened that the customer is told about; one template per event, channel and locale.
    pub enum NoticeEvent {
        VisitScheduled => "visit_scheduled",
        VisitRescheduled => "visit_rescheduled",
        VisitCancelled => "visit_cancelled",
        /// The day before the visit.
        VisitReminder => "visit_reminder",
        /// The engineer has set out.
        OnTheWay => "on_the_way",
        /// The work is certified complete.
        WorkCertified => "work_certified",
        /// A maintenance plan that asks for it has come due.
        MaintenanceDue => "maintenance_due",
        /// "Would you recommend us?", with a link to answer 0 to 10.
        NpsSurvey => "nps_survey",
        /// A mass message to a segment: the office's words in `{{message}}`.
        Campaign => "campaign",
        /// "Choose a time for your visit", with the customer's self-scheduling link.
        ChooseTime => "choose_time",
    }
}

text_enum! {
    /// How a message reaches the customer.
    pub enum MessageChannel { Sms => "sms", Email => "email" }
}

text_enum! {
    /// The language of a message.
    pub enum Locale { En => "en", Uk => "uk" }
}

text_enum! {
    /// Service messages (visits, certificates) and marketing are consented to separately.
    pub enum MessageKind { Service => "service", Marketing => "marketing" }
}

text_enum! {
    /// Where a message stands in the outbox.
    pub enum NotificationStatus {
        /// Waiting for its next attempt (the first, or a retry after a passing failure).
        Queued => "queued",
        /// Claimed by a worker, under a lease.
        Sending => "sending",
        Sent => "sent",
        /// Refused for good by the provider (a bad number, a rejected address).
        Failed => "failed",
        /// Gave up after the configured number of attempts.
        Dead => "dead",
        /// Not sent because the customer cannot or does not wish to receive it.
        Suppressed => "suppressed",
    }
}

impl NoticeEvent {
    /// Urgent messages go out in quiet hours too.
    pub fn urgent(self) -> bool {
        matches!(self, NoticeEvent::OnTheWay)
    }

    /// The channel used unless the customer prefers another.
    pub fn default_channel(self) -> MessageChannel {
        match self {
            NoticeEvent::WorkCertified => MessageChannel::Email,
            _ => MessageChannel::Sms,
        }
    }

    /// Mass messages are marketing, sent only with that consent; the rest,
    /// the survey about a service received included, are service messages.
    pub fn kind(self) -> MessageKind {
        match self {
            NoticeEvent::Campaign => MessageKind::Marketing,
            _ => MessageKind::Service,
        }
    }

    /// The words its templates may use, as `{{name}}`.
    pub fn variables(self) -> &'static [&'static str] {
        const VISIT: &[&str] = &[
            "company",
            "customer_name",
            "contact_name",
            "date",
            "window",
            "engineer",
            "address",
            "link",
        ];
        match self {
            NoticeEvent::VisitScheduled
            | NoticeEvent::VisitRescheduled
            | NoticeEvent::VisitReminder
            | NoticeEvent::VisitCancelled => VISIT,
            NoticeEvent::OnTheWay => &[
                "company",
                "customer_name",
                "contact_name",
                "engineer",
                "eta",
                "address",
            ],
            NoticeEvent::WorkCertified => &[
                "company",
                "customer_name",
                "contact_name",
                "date",
                "address",
                "summary",
                "papers",
            ],
            NoticeEvent::NpsSurvey => &["company", "customer_name", "contact_name", "link"],
            NoticeEvent::ChooseTime => &[
                "company",
                "customer_name",
                "contact_name",
                "service",
                "address",
                "link",
            ],
            NoticeEvent::Campaign => &[
                "company",
                "customer_name",
                "contact_name",
                "subject",
                "message",
            ],
            NoticeEvent::MaintenanceDue => &[
                "company",
                "customer_name",
                "contact_name",
                "service",
                "equipment",
                "due_date",
            ],
        }
    }
}

/// One message as the office sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: String,
    pub customer_id: Option<String>,
    pub contact_id: Option<String>,
    pub work_order_id: Option<String>,
    pub visit_id: Option<String>,
    pub event: NoticeEvent,
    pub channel: MessageChannel,
    pub kind: MessageKind,
    pub locale: Locale,
    /// Phone number (E.164) or e-mail address; empty when suppressed for want of one.
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub urgent: bool,
    pub status: NotificationStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The provider's message id once accepted (Twilio SID, SMTP queue id).
    pub provider_id: Option<String>,
    pub last_error: Option<String>,
    /// One message per cause: a second write with the same key is ignored.
    pub dedupe_key: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// One try at delivering a message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Attempt {
    pub number: i32,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// `sent`, `retry` (a passing failure), `failed` (refused for good) or `dead`.
    pub outcome: String,
    pub error: Option<String>,
    pub provider_id: Option<String>,
}
