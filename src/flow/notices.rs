//! Messages to the customer, written to the outbox in the transaction of the
//! change that causes them: the words from the template in force, the recipient
//! from the customer's contacts and wishes, the time from quiet hours.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::config::messaging::Messaging;
use crate::core::contact::ContactFields;
use crate::core::ids;
use crate::core::notice::delivery::{role_rank, route, route_only, Route};
use crate::core::notice::template::render;
use crate::core::notice::{format, MessageChannel, NoticeEvent, NotificationStatus};
use crate::error::AppError;
use crate::store::certificates::CertificateRow;
use crate::store::db::Outbox;
use crate::store::notifications::{self, NotificationRow};
use crate::store::visits::VisitRow;
use crate::store::work_orders::WorkOrderRow;
use crate::store::{contacts, customers, now, sites, templates, users, utc, DbConnection};

/// One message to write: its cause, its customer and its words.
pub struct Draft<'a> {
    pub event: NoticeEvent,
    /// One message per cause: `visit_scheduled:{visit id}` and the like.
    pub dedupe_key: String,
    pub customer_id: &'a str,
    pub work_order_id: Option<&'a str>,
    pub visit_id: Option<&'a str>,
    /// The contact to try first (the visit's on-site contact).
    pub first_contact: Option<&'a str>,
    /// The event's words, besides company, customer and contact names.
    pub values: Vec<(&'static str, String)>,
    /// Words that are days, written in the recipient's language.
    pub dates: Vec<(&'static str, NaiveDate)>,
    /// Stored files to send with an e-mail.
    pub attachments: Vec<Attachment>,
    /// For a mass message: one channel only, its campaign, and its place in the queue.
    pub outreach: Option<Outreach>,
}

/// How a mass message differs from the rest: written for one channel, counted
/// in its campaign, and paced.
#[derive(Debug, Clone)]
pub struct Outreach {
    pub channel: MessageChannel,
    pub campaign_id: String,
    /// Not sent before this (quiet hours may move it later still).
    pub not_before: DateTime<Utc>,
}

/// A file sent with a message: a stored one (a certificate), or a small text
/// written with the message and kept in its row (a visit's calendar entry).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attachment {
    /// Its key in the file store; empty when the text is inline.
    pub key: String,
    /// The file name the customer sees.
    pub name: String,
    pub content_type: String,
    /// The file itself, for a few hundred bytes written with the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline: Option<String>,
}

/// The customer's contacts in the order they are tried: the named one, then by role.
fn candidates(
    mut all: Vec<(String, ContactFields)>,
    first: Option<&str>,
) -> Vec<(String, ContactFields)> {
    all.sort_by_key(|(id, c)| (Some(id.as_str()) != first, role_rank(c.role)));
    all
}

/// Whether the message would reach someone of these contacts (not suppressed).
pub fn reaches(
    contacts: &[(String, ContactFields)],
    event: NoticeEvent,
    only: Option<MessageChannel>,
) -> bool {
    let people = candidates(contacts.to_vec(), None);
    let fields: Vec<ContactFields> = people.into_iter().map(|(_, c)| c).collect();
    let chosen = match only {
        Some(channel) => route_only(&fields, channel, event.kind()),
        None => route(&fields, event.default_channel(), event.kind()),
    };
    matches!(chosen, Route::Send { .. })
}

/// Writes the message (once per dedupe key); a message nobody can receive is
/// written as `suppressed` with the reason, so the office sees why.
pub fn queue(
    conn: &mut DbConnection,
    outbox: &Outbox,
    m: &Messaging,
    draft: Draft<'_>,
    customer_name: &str,
    contacts: Vec<(String, ContactFields)>,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    let people = candidates(contacts, draft.first_contact);
    let fields: Vec<ContactFields> = people.iter().map(|(_, c)| c.clone()).collect();
    let chosen = match &draft.outreach {
        Some(o) => route_only(&fields, o.channel, draft.event.kind()),
        None => route(&fields, draft.event.default_channel(), draft.event.kind()),
    };
    let (contact, channel, recipient, status, error) = match chosen {
        Route::Send {
            contact,
            channel,
            address,
        } => (
            Some(contact),
            channel,
            address,
            NotificationStatus::Queued,
            None,
        ),
        Route::Suppressed { contact, reason } => (
            contact,
            draft.event.default_channel(),
            String::new(),
            NotificationStatus::Suppressed,
            Some(reason),
        ),
    };
    let person = contact.map(|i| &people[i]);
    let locale = person.and_then(|(_, c)| c.locale).unwrap_or(m.locale);
    let (template, _) = templates::current(conn, draft.event, channel, locale)?;
    let mut values = draft.values;
    for (name, day) in draft.dates {
        values.push((name, format::date(day, locale)));
    }
    values.push(("company", m.company.clone()));
    values.push(("customer_name", customer_name.to_owned()));
    values.push((
        "contact_name",
        person.map(|(_, c)| c.name.clone()).unwrap_or_default(),
    ));
    let urgent = draft.event.urgent();
    let not_before = draft.outreach.as_ref().map_or(utc(at), |o| o.not_before);
    let due = m.release_at(channel, urgent, not_before).naive_utc();
    let row = NotificationRow {
        id: ids::new_id(),
        dedupe_key: draft.dedupe_key,
        customer_id: Some(draft.customer_id.to_owned()),
        contact_id: person.map(|(id, _)| id.clone()),
        work_order_id: draft.work_order_id.map(str::to_owned),
        visit_id: draft.visit_id.map(str::to_owned),
        event: draft.event.as_str().to_owned(),
        channel: channel.as_str().to_owned(),
        kind: draft.event.kind().as_str().to_owned(),
        locale: locale.as_str().to_owned(),
        recipient,
        subject: template.subject.as_deref().map(|s| render(s, &values)),
        body: render(&template.body, &values),
        urgent,
        status: status.as_str().to_owned(),
        attempts: 0,
        next_attempt_at: (status == NotificationStatus::Queued).then_some(due),
        claimed_by: None,
        provider_id: None,
        last_error: error,
        created_at: at,
        updated_at: at,
        sent_at: None,
        // Files travel by e-mail only; an SMS row keeps none.
        attachments: serde_json::to_string(match channel {
            MessageChannel::Email => &draft.attachments[..],
            MessageChannel::Sms => &[],
        })?,
        campaign_id: draft.outreach.map(|o| o.campaign_id),
    };
    notifications::enqueue(conn, outbox, &row)
}

/// The words every visit message shares.
fn visit_values(
    conn: &mut DbConnection,
    m: &Messaging,
    order: &WorkOrderRow,
    visit: &VisitRow,
) -> Result<Vec<(&'static str, String)>, AppError> {
    let engineer = users::find(conn, &visit.engineer_id)?
        .map(|u| u.name)
        .unwrap_or_default();
    let start = utc(visit.planned_start);
    Ok(vec![
        (
            "window",
            format::window(start, utc(visit.planned_end), m.timezone),
        ),
        ("engineer", engineer),
        (
            "address",
            sites::address(conn, &order.site_id)?.unwrap_or_default(),
        ),
        ("link", m.visit_link(visit)),
    ])
}

/// A message about a visit: booked, moved, cancelled, tomorrow.
pub fn about_visit(
    conn: &mut DbConnection,
    outbox: &Outbox,
    m: &Messaging,
    event: NoticeEvent,
    order: &WorkOrderRow,
    visit: &VisitRow,
    dedupe_key: String,
) -> Result<bool, AppError> {
    let values = visit_values(conn, m, order, visit)?;
    queue_about_visit(conn, outbox, m, event, (order, visit), dedupe_key, values)
}

/// "On the way", with an arrival time: the engineer's own estimate, or the
/// configured travel time, from when they set out (never before the booked start).
pub fn on_the_way(
    conn: &mut DbConnection,
    outbox: &Outbox,
    m: &Messaging,
    order: &WorkOrderRow,
    visit: &VisitRow,
    eta_minutes: Option<u32>,
) -> Result<bool, AppError> {
    let minutes = eta_minutes.unwrap_or(m.travel_minutes);
    let set_out = visit.travel_started_at.map(utc).unwrap_or_else(Utc::now);
    let eta = (set_out + Duration::minutes(i64::from(minutes))).max(utc(visit.planned_start));
    let mut values = visit_values(conn, m, order, visit)?;
    values.push(("eta", format::time(eta, m.timezone)));
    let key = format!("on_the_way:{}", visit.id);
    queue_about_visit(
        conn,
        outbox,
        m,
        NoticeEvent::OnTheWay,
        (order, visit),
        key,
        values,
    )
}

fn queue_about_visit(
    conn: &mut DbConnection,
    outbox: &Outbox,
    m: &Messaging,
    event: NoticeEvent,
    (order, visit): (&WorkOrderRow, &VisitRow),
    dedupe_key: String,
    values: Vec<(&'static str, String)>,
) -> Result<bool, AppError> {
    let contacts = contacts::active_of_customers(conn, &[order.customer_id.to_string()])?;
    let name = customer_name(conn, &order.customer_id)?;
    let attachments = calendar_entry(conn, m, event, order, visit)?
        .into_iter()
        .collect();
    queue(
        conn,
        outbox,
        m,
        Draft {
            event,
            dedupe_key,
            customer_id: &order.customer_id,
            work_order_id: Some(&order.id),
            visit_id: Some(&visit.id),
            first_contact: visit.on_site_contact_id.as_deref(),
            values,
            dates: vec![(
                "date",
                format::local_day(utc(visit.planned_start), m.timezone),
            )],
            attachments,
            outreach: None,
        },
        &name,
        contacts,
        now(),
    )
}

/// The visit as a calendar entry (`visit.ics`) for the e-mails that book,
/// move or remind of it, so the customer's calendar holds the exact time.
fn calendar_entry(
    conn: &mut DbConnection,
    m: &Messaging,
    event: NoticeEvent,
    order: &WorkOrderRow,
    visit: &VisitRow,
) -> Result<Option<Attachment>, AppError> {
    use NoticeEvent as E;
    if !matches!(
        event,
        E::VisitScheduled | E::VisitRescheduled | E::VisitReminder
    ) {
        return Ok(None);
    }
    let entry = crate::routing::ical::FeedVisit {
        visit_id: visit.id.to_string(),
        work_order_id: order.id.to_string(),
        start: utc(visit.planned_start),
        end: utc(visit.planned_end),
        cancelled: false,
        customer_name: m.company.clone(),
        address: sites::address(conn, &order.site_id)?.unwrap_or_default(),
        latitude: None,
        longitude: None,
        contact: None,
        scope: crate::core::work_order::scope_summary(&order.scope()?),
        notes: None,
        created_at: utc(visit.created_at),
        updated_at: utc(visit.updated_at),
    };
    Ok(Some(Attachment {
        key: String::new(),
        name: "visit.ics".into(),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        inline: Some(crate::routing::ical::entry(&entry, Utc::now())),
    }))
}

/// The e-mail that the work is certified complete.
pub fn certified(
    conn: &mut DbConnection,
    outbox: &Outbox,
    m: &Messaging,
    order: &WorkOrderRow,
    finished: Option<&VisitRow>,
    certificate: Option<&CertificateRow>,
) -> Result<bool, AppError> {
    let contacts = contacts::active_of_customers(conn, &[order.customer_id.to_string()])?;
    let first = finished.and_then(|v| v.on_site_contact_id.as_deref());
    let done = finished
        .and_then(|v| v.finished_at)
        .map(utc)
        .unwrap_or_else(Utc::now);
    let values = vec![
        (
            "address",
            sites::address(conn, &order.site_id)?.unwrap_or_default(),
        ),
        (
            "summary",
            order.completion_summary.clone().unwrap_or_default(),
        ),
        (
            "papers",
            super::papers::link(conn, m, &order.customer_id, Utc::now())?,
        ),
    ];
    let name = customer_name(conn, &order.customer_id)?;
    queue(
        conn,
        outbox,
        m,
        Draft {
            event: NoticeEvent::WorkCertified,
            dedupe_key: format!("work_certified:{}:{}", order.id, order.version),
            customer_id: &order.customer_id,
            work_order_id: Some(&order.id),
            visit_id: finished.map(|v| v.id.as_str()),
            first_contact: first,
            values,
            dates: vec![("date", format::local_day(done, m.timezone))],
            attachments: certificate
                .map(|c| Attachment {
                    key: c.file_key.clone(),
                    name: format!("certificate-{}.pdf", c.number),
                    content_type: "application/pdf".into(),
                    inline: None,
                })
                .into_iter()
                .collect(),
            outreach: None,
        },
        &name,
        contacts,
        now(),
    )
}

fn customer_name(conn: &mut DbConnection, customer_id: &str) -> Result<String, AppError> {
    Ok(customers::names(conn, &[customer_id.to_owned()])?
        .remove(customer_id)
        .unwrap_or_default())
}
