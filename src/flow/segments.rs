//! Segments and mass messages: a saved filter over customers, its count, and
//! one message to each of its customers through the outbox — marketing
//! consent, opt-outs and quiet hours honoured, paced to the company's rate.

use crate::core::ids::{CampaignId, SegmentId};
use crate::store::db::Outbox;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::notices::{self, Draft, Messaging, Outreach};
use super::Actor;
use crate::core::analytics::segment::SegmentRule;
use crate::core::notice::template::render;
use crate::core::notice::{MessageChannel, NoticeEvent};
use crate::core::text::{self, SHORT};
use crate::core::ValidationError;
use crate::error::AppError;
use crate::store::segments::{self, CampaignRow, SegmentRow};
use crate::store::{contacts, customers, now, transaction, utc, DbConnection};

/// What the office writes to save a segment.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentFields {
    pub name: String,
    #[serde(default)]
    pub rule: SegmentRule,
}

/// A segment with how many customers it holds now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SegmentView {
    pub id: SegmentId,
    pub name: String,
    pub rule: SegmentRule,
    pub customers: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn view(conn: &mut DbConnection, row: SegmentRow) -> Result<SegmentView, AppError> {
    let rule = row.rule()?;
    Ok(SegmentView {
        customers: segments::count(conn, &rule, now())?,
        id: row.id,
        name: row.name,
        rule,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

fn checked(fields: SegmentFields) -> Result<(String, SegmentRule), ValidationError> {
    let name = text::required("name", &fields.name, SHORT)?;
    Ok((name, fields.rule.normalise()?))
}

fn found(conn: &mut DbConnection, id: &SegmentId) -> Result<SegmentRow, AppError> {
    segments::find(conn, id)?.ok_or(AppError::NotFound { entity: "segment" })
}

/// Every segment with its count.
pub fn list(conn: &mut DbConnection) -> Result<Vec<SegmentView>, AppError> {
    segments::list(conn)?
        .into_iter()
        .map(|r| view(conn, r))
        .collect()
}

pub fn read(conn: &mut DbConnection, id: &SegmentId) -> Result<SegmentView, AppError> {
    let row = found(conn, id)?;
    view(conn, row)
}

/// Counts a rule's customers without saving it: the office tries a filter first.
pub fn count(conn: &mut DbConnection, rule: SegmentRule) -> Result<i64, AppError> {
    segments::count(conn, &rule.normalise()?, now())
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: SegmentFields,
) -> Result<SegmentView, AppError> {
    let (name, rule) = checked(fields)?;
    let at = now();
    let row = SegmentRow {
        id: SegmentId::new(),
        name,
        definition: serde_json::to_string(&rule)?,
        created_by: Some(actor.user_id.to_string()),
        created_at: at,
        updated_at: at,
    };
    transaction(conn, |conn| {
        segments::insert(conn, &row)?;
        record(
            conn,
            actor,
            "segment",
            &row.id,
            "created",
            json!({"name": row.name, "rule": rule}),
        )
    })?;
    view(conn, row)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &SegmentId,
    fields: SegmentFields,
) -> Result<SegmentView, AppError> {
    let (name, rule) = checked(fields)?;
    let mut row = found(conn, id)?;
    row.name = name;
    row.definition = serde_json::to_string(&rule)?;
    row.updated_at = now();
    transaction(conn, |conn| {
        segments::save(conn, &row)?;
        record(
            conn,
            actor,
            "segment",
            &row.id,
            "updated",
            json!({"name": row.name, "rule": rule}),
        )
    })?;
    view(conn, row)
}

/// Deletes a segment no message was sent to (409 otherwise: its campaigns keep it).
pub fn delete(conn: &mut DbConnection, actor: &Actor, id: &SegmentId) -> Result<(), AppError> {
    found(conn, id)?;
    transaction(conn, |conn| {
        if !segments::delete(conn, id)? {
            return Err(AppError::conflict(
                "segment_in_use",
                "messages were sent to this segment; it is kept with their results",
            ));
        }
        record(conn, actor, "segment", id, "deleted", json!({}))
    })
}

/// An office event that belongs to no one customer.
fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    entity_type: &str,
    id: &str,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), AppError> {
    crate::store::events::record(
        conn,
        crate::store::events::NewEvent {
            actor_id: Some(&actor.user_id),
            customer_id: None,
            entity_type,
            entity_id: id,
            action,
            changes,
        },
    )
}

/// A mass message to a segment.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    pub channel: MessageChannel,
    /// The e-mail's subject (required for e-mail).
    #[serde(default)]
    pub subject: Option<String>,
    /// The words; `{{customer_name}}` and `{{company}}` are filled in.
    pub body: String,
    /// Count only: who would receive it, and when the last would go.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a campaign would do or did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignView {
    /// None on a dry run.
    pub id: Option<String>,
    pub segment_id: String,
    pub channel: MessageChannel,
    pub subject: Option<String>,
    pub body: String,
    /// Customers in the segment.
    pub customers: i64,
    /// Customers with a contact who accepts marketing on the channel.
    pub reachable: i64,
    /// When the last message may go, at the company's pace and outside quiet hours.
    pub last_send_at: Option<DateTime<Utc>>,
    /// Messages by delivery state (`queued`, `sent`, `failed`, `suppressed`, …).
    pub delivery: BTreeMap<String, i64>,
    pub created_at: Option<DateTime<Utc>>,
}

const SMS_MAX: usize = 1000;
const EMAIL_MAX: usize = 20_000;

fn check_request(r: &CampaignRequest) -> Result<(Option<String>, String), ValidationError> {
    let max = match r.channel {
        MessageChannel::Sms => SMS_MAX,
        MessageChannel::Email => EMAIL_MAX,
    };
    let body = text::required("body", &r.body, max)?;
    let subject = match r.channel {
        MessageChannel::Email => Some(text::required(
            "subject",
            r.subject.as_deref().unwrap_or(""),
            SHORT,
        )?),
        MessageChannel::Sms => None,
    };
    Ok((subject, body))
}

/// Sends (or, on a dry run, counts) a message to every customer of the
/// segment: one contact each, the first by role who accepts marketing on the
/// channel and has not opted out; the others are recorded as suppressed with
/// the reason. Messages are spaced at the company's `messages_per_minute` and
/// SMS wait out quiet hours.
pub fn send(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &Actor,
    per_minute: u32,
    segment_id: &SegmentId,
    request: CampaignRequest,
) -> Result<CampaignView, AppError> {
    let (subject, body) = check_request(&request)?;
    let m: &Messaging = &actor.messaging;
    let segment = found(conn, segment_id)?;
    let at = now();
    let members = segments::members(conn, &segment.rule()?, at)?;
    let people = contacts::by_customer(conn, &members)?;
    let names = customers::names(conn, &members)?;
    let gap = Duration::milliseconds(60_000 / i64::from(per_minute.max(1)));
    let channel = request.channel;
    let campaign_id = CampaignId::new();
    let mut slot = utc(at);
    let mut last = None;
    let mut reachable = 0;
    let mut drafts = Vec::new();
    for customer in &members {
        let contacts = people.get(customer).cloned().unwrap_or_default();
        let reaches = notices::reaches(&contacts, NoticeEvent::Campaign, Some(channel));
        let not_before = if reaches {
            let due = m.release_at(channel, false, slot);
            slot = due + gap;
            last = Some(due);
            reachable += 1;
            due
        } else {
            utc(at)
        };
        drafts.push((customer, contacts, not_before));
    }
    let mut view = CampaignView {
        id: None,
        segment_id: segment.id.to_string(),
        channel,
        subject: subject.clone(),
        body: body.clone(),
        customers: members.len() as i64,
        reachable,
        last_send_at: last,
        delivery: BTreeMap::new(),
        created_at: None,
    };
    if request.dry_run {
        return Ok(view);
    }
    transaction(conn, |conn| {
        segments::insert_campaign(
            conn,
            &CampaignRow {
                id: campaign_id.clone(),
                segment_id: segment.id.clone(),
                channel: channel.as_str().to_owned(),
                subject: subject.clone(),
                body: body.clone(),
                customers: i32::try_from(members.len()).unwrap_or(i32::MAX),
                created_by: Some(actor.user_id.to_string()),
                created_at: at,
            },
        )?;
        for (customer, contacts, not_before) in &drafts {
            let name = names.get(*customer).cloned().unwrap_or_default();
            let words = [
                ("customer_name", name.clone()),
                ("company", m.company.clone()),
            ];
            let mut values = vec![("message", render(&body, &words))];
            if let Some(s) = &subject {
                values.push(("subject", render(s, &words)));
            }
            notices::queue(
                conn,
                outbox,
                m,
                Draft {
                    event: NoticeEvent::Campaign,
                    dedupe_key: format!("campaign:{campaign_id}:{customer}"),
                    customer_id: customer,
                    work_order_id: None,
                    visit_id: None,
                    first_contact: None,
                    values,
                    dates: vec![],
                    attachments: vec![],
                    outreach: Some(Outreach {
                        channel,
                        campaign_id: campaign_id.to_string(),
                        not_before: *not_before,
                    }),
                },
                &name,
                contacts.clone(),
                at,
            )?;
        }
        record(
            conn,
            actor,
            "campaign",
            &campaign_id,
            "sent",
            json!({"segment_id": segment.id, "channel": channel, "customers": members.len(), "reachable": reachable}),
        )
    })?;
    view.id = Some(campaign_id.to_string());
    view.created_at = Some(utc(at));
    view.delivery = segments::delivery(conn, &campaign_id)?
        .into_iter()
        .collect();
    Ok(view)
}

/// A campaign with its delivery results so far.
pub fn campaign(conn: &mut DbConnection, id: &CampaignId) -> Result<CampaignView, AppError> {
    let row =
        segments::find_campaign(conn, id)?.ok_or(AppError::NotFound { entity: "campaign" })?;
    campaign_view(conn, row)
}

/// The segment's campaigns, newest first, with their results.
pub fn campaigns(
    conn: &mut DbConnection,
    segment_id: &SegmentId,
) -> Result<Vec<CampaignView>, AppError> {
    found(conn, segment_id)?;
    segments::campaigns_of(conn, segment_id)?
        .into_iter()
        .map(|r| campaign_view(conn, r))
        .collect()
}

fn campaign_view(conn: &mut DbConnection, row: CampaignRow) -> Result<CampaignView, AppError> {
    let delivery: BTreeMap<String, i64> = segments::delivery(conn, &row.id)?.into_iter().collect();
    let reachable = delivery
        .iter()
        .filter(|(s, _)| s.as_str() != "suppressed")
        .map(|(_, n)| n)
        .sum();
    let channel = crate::store::decoded(
        MessageChannel::parse(&row.channel),
        "campaign channel",
        &row.id,
        &row.channel,
    )?;
    Ok(CampaignView {
        id: Some(row.id.to_string()),
        segment_id: row.segment_id.to_string(),
        channel,
        subject: row.subject,
        body: row.body,
        customers: i64::from(row.customers),
        reachable,
        last_send_at: None,
        delivery,
        created_at: Some(utc(row.created_at)),
    })
}
