//! An engineer's visits as an iCalendar (RFC 5545) feed, for the phone's own
//! calendar: one event per visit with the address, the window and whom to call.
//! Cancelled visits stay in the feed as `STATUS:CANCELLED`, so subscribed phones
//! drop them instead of keeping a stale copy.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

/// What one event says.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FeedVisit {
    pub visit_id: String,
    pub work_order_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub cancelled: bool,
    pub customer_name: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub contact: Option<String>,
    pub scope: String,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One visit as a calendar file, attached to the customer's e-mails about it;
/// the same UID as in the feed, so a later file updates the entry.
pub fn entry(visit: &FeedVisit, now: DateTime<Utc>) -> String {
    let mut calendar = calendar();
    push(&mut calendar, std::slice::from_ref(visit), now);
    calendar.done().to_string()
}

fn calendar() -> Calendar {
    let mut calendar = Calendar::empty();
    calendar.append_property(("VERSION", "2.0"));
    calendar.append_property(("PRODID", "-//Orderly//Visits//EN"));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.append_property(("METHOD", "PUBLISH"));
    calendar
}

/// The feed's text; `name` is shown by the phone as the calendar's name.
pub fn feed(name: &str, visits: &[FeedVisit], now: DateTime<Utc>) -> String {
    let mut calendar = calendar();
    calendar.name(name);
    // Phones that honour it refresh every quarter of an hour.
    calendar.ttl(&chrono::Duration::minutes(15));
    push(&mut calendar, visits, now);
    calendar.done().to_string()
}

fn push(calendar: &mut Calendar, visits: &[FeedVisit], now: DateTime<Utc>) {
    for v in visits {
        let mut description = format!("{}\n{}", v.customer_name, v.scope);
        if let Some(c) = &v.contact {
            description.push_str(&format!("\nContact: {c}"));
        }
        if let Some(n) = &v.notes {
            description.push_str(&format!("\nNotes: {n}"));
        }
        let mut event = Event::new();
        event
            .uid(&format!("{}@orderly", v.visit_id))
            .timestamp(now)
            .created(v.created_at)
            .last_modified(v.updated_at)
            // Each change of a visit moves its updated_at on: a later SEQUENCE.
            .sequence(
                (v.updated_at - v.created_at)
                    .num_seconds()
                    .clamp(0, u32::MAX as i64) as u32,
            )
            .starts(v.start)
            .ends(v.end)
            .summary(&format!("{} — {}", v.customer_name, v.scope))
            .location(&v.address)
            .description(&description)
            .status(if v.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            })
            .add_property("X-ORDERLY-WORK-ORDER", &v.work_order_id);
        if let (Some(lat), Some(lng)) = (v.latitude, v.longitude) {
            event.add_property("GEO", format!("{lat:.6};{lng:.6}"));
        }
        calendar.push(event.done());
    }
}
