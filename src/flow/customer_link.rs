//! The customer's link: the visit as the customer sees it, and their answer
//! (confirm, or ask for another time), recorded on the timeline. Asking for
//! another time also leaves the administrators a reminder.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::notices::Messaging;
use crate::core::ids::{TypedId, VisitId};
use crate::core::notice::link::{LinkError, Signed};
use crate::core::notice::{format, Locale};
use crate::core::reminder::ReminderKind;
use crate::core::text::{self, LINE};
use crate::core::visit::{CustomerAnswer, VisitStatus};
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::reminders::{self, ReminderRow};
use crate::store::visits::{self, VisitRow};
use crate::store::{contacts, now, sites, transaction, users, utc, work_orders, DbConnection};

/// What the customer's page shows.
#[derive(Debug, Clone)]
pub struct VisitPage {
    pub company: String,
    pub locale: Locale,
    pub date: String,
    pub window: String,
    pub engineer: String,
    pub address: String,
    pub status: VisitStatus,
    pub answer: Option<CustomerAnswer>,
    pub note: Option<String>,
    /// The link was sent for an earlier booking: the page shows the new time
    /// and takes no answer.
    pub moved: bool,
}

fn gone() -> AppError {
    AppError::NotFound { entity: "visit" }
}

/// The visit a token opens, and whether the link was sent for an earlier
/// booking of it; 404 for a forged, broken or expired one.
fn visit_of(
    conn: &mut DbConnection,
    m: &Messaging,
    token: &str,
    at: DateTime<Utc>,
) -> Result<(VisitRow, bool), AppError> {
    let signed = verified(m, token, at, "visit")?;
    let id = VisitId::parse(&signed.id).ok_or_else(gone)?;
    let visit = visits::find(conn, &id)?.ok_or_else(gone)?;
    let moved = i32::from(signed.version) != visit.booking_version;
    Ok((visit, moved))
}

/// The id a customer's link names, or 404 (forged, broken) or 410 (expired).
pub fn verified(
    m: &Messaging,
    token: &str,
    at: DateTime<Utc>,
    entity: &'static str,
) -> Result<Signed, AppError> {
    m.link_key.verify(token, at).map_err(|e| match e {
        LinkError::Expired => AppError::Gone {
            message: "this link has expired".into(),
        },
        LinkError::Malformed | LinkError::Forged => AppError::NotFound { entity },
    })
}

/// The page of the visit a token opens.
pub fn open(conn: &mut DbConnection, m: &Messaging, token: &str) -> Result<VisitPage, AppError> {
    let (visit, moved) = visit_of(conn, m, token, Utc::now())?;
    let order = work_orders::find(conn, &visit.work_order_id)?.ok_or_else(gone)?;
    let people = contacts::active_of_customers(conn, &[order.customer_id.to_string()])?;
    let locale = visit
        .on_site_contact_id
        .as_deref()
        .and_then(|id| people.iter().find(|(c, _)| c == id))
        .or(people.first())
        .and_then(|(_, c)| c.locale)
        .unwrap_or(m.locale);
    let start = utc(visit.planned_start);
    Ok(VisitPage {
        company: m.company.clone(),
        locale,
        date: format::date(format::local_day(start, m.timezone), locale),
        window: format::window(start, utc(visit.planned_end), m.timezone),
        engineer: users::find(conn, &visit.engineer_id)?
            .map(|u| u.name)
            .unwrap_or_default(),
        address: sites::address(conn, &order.site_id)?.unwrap_or_default(),
        status: visit.status,
        answer: crate::store::decoded_optional(
            visit.customer_response.as_deref(),
            CustomerAnswer::parse,
            "customer response",
            &visit.id,
        )?,
        note: visit.customer_response_note,
        moved,
    })
}

/// Records the customer's answer; only a visit still booked can be answered.
pub fn answer(
    conn: &mut DbConnection,
    m: &Messaging,
    token: &str,
    answer: CustomerAnswer,
    note: Option<&str>,
) -> Result<(), AppError> {
    let note = text::optional("note", note, LINE)?;
    if answer == CustomerAnswer::AskedToMove && note.is_none() {
        return Err(AppError::invalid(
            "note",
            "say which days or times suit you",
        ));
    }
    transaction(conn, |conn| {
        let (mut visit, moved) = visit_of(conn, m, token, Utc::now())?;
        if moved {
            let start = utc(visit.planned_start);
            return Err(AppError::Conflict {
                code: "visit_moved",
                message: format!(
                    "this visit has moved to {}, {}; open the link of our latest message to answer",
                    format::date(format::local_day(start, m.timezone), Locale::En),
                    format::window(start, utc(visit.planned_end), m.timezone)
                ),
                details: None,
            });
        }
        if visit.status != VisitStatus::Booked {
            return Err(AppError::Conflict {
                code: "visit_not_booked",
                message: "this visit can no longer be changed here; please call us".into(),
                details: None,
            });
        }
        if answer == CustomerAnswer::Confirmed
            && visit.customer_response.as_deref() == Some(CustomerAnswer::Confirmed.as_str())
        {
            // Confirmed already: a second tap changes nothing and adds no event.
            return Ok(());
        }
        let order = work_orders::find(conn, &visit.work_order_id)?.ok_or_else(gone)?;
        let at = now();
        visit.customer_response = Some(answer.as_str().to_owned());
        visit.customer_response_note = note.clone();
        visit.customer_responded_at = Some(at);
        visit.updated_at = at;
        visits::save(conn, &visit)?;
        let action = match answer {
            CustomerAnswer::Confirmed => "customer_confirmed",
            CustomerAnswer::AskedToMove => "customer_asked_to_move",
        };
        events::record(
            conn,
            NewEvent {
                actor_id: None,
                customer_id: Some(&order.customer_id),
                entity_type: "visit",
                entity_id: &visit.id,
                action,
                changes: json!({"work_order_id": order.id, "note": note}),
            },
        )?;
        if answer == CustomerAnswer::AskedToMove {
            let today = format::local_day(Utc::now(), m.timezone);
            let mut reminder = ReminderRow::new(
                &order.customer_id,
                ReminderKind::CustomerRequest,
                today,
                Some(format!(
                    "The customer asked to move the visit of {}: {}",
                    format::date(
                        format::local_day(utc(visit.planned_start), m.timezone),
                        Locale::En
                    ),
                    note.as_deref().unwrap_or("")
                )),
                None,
            );
            reminder.work_order_id = Some(order.id.to_string());
            if reminders::insert_if_absent(conn, &reminder)? {
                events::record(
                    conn,
                    NewEvent {
                        actor_id: None,
                        customer_id: Some(&order.customer_id),
                        entity_type: "reminder",
                        entity_id: &reminder.id,
                        action: "created",
                        changes: json!({"kind": ReminderKind::CustomerRequest, "work_order_id": order.id}),
                    },
                )?;
            }
        }
        Ok(())
    })
}
