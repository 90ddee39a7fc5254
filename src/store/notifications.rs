//! The outbox: messages written with the change that caused them, claimed by
//! delivery workers under a lease, and the record of every attempt.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::Deserialize;
use utoipa::IntoParams;

use super::db::Outbox;
use super::page::{Page, PageRequest};
use super::schema::{notification_attempts, notifications};
use super::{decoded, transaction, utc, DbConnection};
use crate::core::ids;
use crate::core::notice::{
    Attempt, Locale, MessageChannel, MessageKind, NoticeEvent, Notification, NotificationStatus,
};
use crate::error::AppError;
use crate::store::page::keyset_page;

/// One message in the outbox.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub dedupe_key: String,
    pub customer_id: Option<String>,
    pub contact_id: Option<String>,
    pub work_order_id: Option<String>,
    pub visit_id: Option<String>,
    pub event: String,
    pub channel: String,
    pub kind: String,
    pub locale: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub urgent: bool,
    pub status: String,
    pub attempts: i32,
    /// When queued, the next attempt; while sending, the end of the lease.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// The worker holding the lease; its results count only while it still holds it.
    pub claimed_by: Option<String>,
    pub provider_id: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// Files sent with an e-mail: JSON `[{"key", "name", "content_type"}]`.
    pub attachments: String,
    /// The mass message it belongs to.
    pub campaign_id: Option<String>,
}

impl NotificationRow {
    /// How the message goes; an unknown stored channel is an error, never SMS.
    pub fn channel(&self) -> Result<MessageChannel, AppError> {
        decoded(
            MessageChannel::parse(&self.channel),
            "channel",
            &self.id,
            &self.channel,
        )
    }

    /// The message as the API shows it.
    pub fn into_view(self) -> Result<Notification, AppError> {
        Ok(Notification {
            event: decoded(
                NoticeEvent::parse(&self.event),
                "event",
                &self.id,
                &self.event,
            )?,
            channel: self.channel()?,
            kind: decoded(
                MessageKind::parse(&self.kind),
                "message kind",
                &self.id,
                &self.kind,
            )?,
            locale: decoded(
                Locale::parse(&self.locale),
                "locale",
                &self.id,
                &self.locale,
            )?,
            status: decoded(
                NotificationStatus::parse(&self.status),
                "message status",
                &self.id,
                &self.status,
            )?,
            next_attempt_at: match self.status.as_str() {
                "queued" | "sending" => self.next_attempt_at.map(utc),
                _ => None,
            },
            id: self.id,
            customer_id: self.customer_id,
            contact_id: self.contact_id,
            work_order_id: self.work_order_id,
            visit_id: self.visit_id,
            recipient: self.recipient,
            subject: self.subject,
            body: self.body,
            urgent: self.urgent,
            attempts: self.attempts,
            provider_id: self.provider_id,
            last_error: self.last_error,
            dedupe_key: self.dedupe_key,
            created_at: utc(self.created_at),
            sent_at: self.sent_at.map(utc),
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notification_attempts)]
struct AttemptRow {
    id: String,
    notification_id: String,
    number: i32,
    started_at: NaiveDateTime,
    finished_at: NaiveDateTime,
    outcome: String,
    error: Option<String>,
    provider_id: Option<String>,
}

/// Writes a message unless one with its dedupe key exists; true if written.
pub fn enqueue(
    conn: &mut DbConnection,
    outbox: &Outbox,
    row: &NotificationRow,
) -> Result<bool, AppError> {
    let n = match conn {
        DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(notifications::table)
            .values(row)
            .execute(c)?,
        DbConnection::Postgresql(c) => diesel::insert_into(notifications::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    if n == 1 && row.status == NotificationStatus::Queued.as_str() {
        outbox.queued();
    }
    Ok(n == 1)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<NotificationRow>, AppError> {
    Ok(notifications::table
        .find(id)
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every attempt at a message, first first.
pub fn attempts(conn: &mut DbConnection, id: &str) -> Result<Vec<Attempt>, AppError> {
    let rows: Vec<AttemptRow> = notification_attempts::table
        .filter(notification_attempts::notification_id.eq(id))
        .order(notification_attempts::number.asc())
        .select(AttemptRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|a| Attempt {
            number: a.number,
            started_at: utc(a.started_at),
            finished_at: utc(a.finished_at),
            outcome: a.outcome,
            error: a.error,
            provider_id: a.provider_id,
        })
        .collect())
}

/// Filters of the notification list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    pub status: Option<NotificationStatus>,
    pub channel: Option<MessageChannel>,
    pub event: Option<NoticeEvent>,
    pub customer_id: Option<String>,
    pub work_order_id: Option<String>,
    pub visit_id: Option<String>,
}

/// One page of messages, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &NotificationFilter,
    page: &PageRequest,
) -> Result<Page<Notification>, AppError> {
    let mut query = notifications::table
        .select(NotificationRow::as_select())
        .into_boxed();
    if let Some(s) = filter.status {
        query = query.filter(notifications::status.eq(s.as_str()));
    }
    if let Some(c) = filter.channel {
        query = query.filter(notifications::channel.eq(c.as_str()));
    }
    if let Some(e) = filter.event {
        query = query.filter(notifications::event.eq(e.as_str()));
    }
    if let Some(c) = &filter.customer_id {
        query = query.filter(notifications::customer_id.eq(c.to_lowercase()));
    }
    if let Some(w) = &filter.work_order_id {
        query = query.filter(notifications::work_order_id.eq(w.to_lowercase()));
    }
    if let Some(v) = &filter.visit_id {
        query = query.filter(notifications::visit_id.eq(v.to_lowercase()));
    }
    let rows: Vec<NotificationRow> = keyset_page!(query, notifications::id, page).load(conn)?;
    Page::from_rows(rows, page, |r| &r.id).try_map(NotificationRow::into_view)
}

/// Claims up to `limit` due messages for `worker` until `lease_until`: queued ones
/// whose time has come, and `sending` ones whose lease ran out (a crashed worker's).
///
/// One statement: PostgreSQL skips rows another worker is claiming at the same
/// moment (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time.
pub fn claim(
    conn: &mut DbConnection,
    worker: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<NotificationRow>, AppError> {
    // The same statement in each dialect; only PostgreSQL has concurrent writers to skip.
    const SQLITE: &str = "UPDATE notifications SET status = 'sending', claimed_by = ?, \
        next_attempt_at = ?, attempts = attempts + 1, updated_at = ? \
        WHERE id IN (SELECT id FROM notifications \
        WHERE status IN ('queued', 'sending') AND next_attempt_at <= ? \
        ORDER BY next_attempt_at LIMIT ?) RETURNING *";
    const POSTGRES: &str = "UPDATE notifications SET status = 'sending', claimed_by = $1, \
        next_attempt_at = $2, attempts = attempts + 1, updated_at = $3 \
        WHERE id IN (SELECT id FROM notifications \
        WHERE status IN ('queued', 'sending') AND next_attempt_at <= $3 \
        ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *";
    let rows = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(SQLITE)
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load::<NotificationRow>(c)?,
        DbConnection::Postgresql(c) => diesel::sql_query(POSTGRES)
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load::<NotificationRow>(c)?,
    };
    Ok(rows)
}

/// What came of one attempt.
#[derive(Debug, Clone)]
pub enum Delivery {
    Sent {
        provider_id: Option<String>,
    },
    /// A passing failure: try again at the given time.
    Retry {
        error: String,
        at: NaiveDateTime,
    },
    /// Refused for good.
    Failed {
        error: String,
    },
    /// Out of attempts.
    Dead {
        error: String,
    },
    /// Not tried (quiet hours began while it waited): back in the queue, the attempt not counted.
    Deferred {
        until: NaiveDateTime,
    },
}

/// The result of one claimed message.
#[derive(Debug, Clone)]
pub struct Finished {
    pub id: String,
    pub attempt: i32,
    pub started_at: NaiveDateTime,
    pub finished_at: NaiveDateTime,
    pub delivery: Delivery,
}

/// Records a batch of results; a result counts only if `worker` still holds the
/// message (a late answer after the lease was reclaimed changes nothing).
/// Returns how many were recorded.
pub fn finish(
    conn: &mut DbConnection,
    worker: &str,
    results: &[Finished],
) -> Result<usize, AppError> {
    transaction(conn, |conn| {
        let mut recorded = 0;
        let mut attempts = Vec::with_capacity(results.len());
        for r in results {
            let held = notifications::table
                .filter(notifications::id.eq(&r.id))
                .filter(notifications::status.eq(NotificationStatus::Sending.as_str()))
                .filter(notifications::claimed_by.eq(worker));
            let at = r.finished_at;
            let none = None::<NaiveDateTime>;
            let (n, outcome, error, provider) = match &r.delivery {
                Delivery::Sent { provider_id } => {
                    let n = diesel::update(held)
                        .set((
                            notifications::status.eq("sent"),
                            notifications::provider_id.eq(provider_id),
                            notifications::sent_at.eq(at),
                            notifications::next_attempt_at.eq(none),
                            notifications::last_error.eq(None::<String>),
                            notifications::updated_at.eq(at),
                        ))
                        .execute(conn)?;
                    (n, "sent", None, provider_id.clone())
                }
                Delivery::Retry { error, at: next } => {
                    let n = diesel::update(held)
                        .set((
                            notifications::status.eq("queued"),
                            notifications::next_attempt_at.eq(next),
                            notifications::last_error.eq(error),
                            notifications::updated_at.eq(at),
                        ))
                        .execute(conn)?;
                    (n, "retry", Some(error.clone()), None)
                }
                Delivery::Failed { error } | Delivery::Dead { error } => {
                    let status = match r.delivery {
                        Delivery::Failed { .. } => "failed",
                        _ => "dead",
                    };
                    let n = diesel::update(held)
                        .set((
                            notifications::status.eq(status),
                            notifications::next_attempt_at.eq(none),
                            notifications::last_error.eq(error),
                            notifications::updated_at.eq(at),
                        ))
                        .execute(conn)?;
                    (n, status, Some(error.clone()), None)
                }
                Delivery::Deferred { until } => {
                    diesel::update(held)
                        .set((
                            notifications::status.eq("queued"),
                            notifications::next_attempt_at.eq(until),
                            notifications::attempts.eq(notifications::attempts - 1),
                            notifications::updated_at.eq(at),
                        ))
                        .execute(conn)?;
                    // Not an attempt: nothing to record.
                    continue;
                }
            };
            if n != 1 {
                continue;
            }
            recorded += 1;
            attempts.push(AttemptRow {
                id: ids::new_id(),
                notification_id: r.id.clone(),
                number: r.attempt,
                started_at: r.started_at,
                finished_at: r.finished_at,
                outcome: outcome.to_owned(),
                error,
                provider_id: provider,
            });
        }
        // One statement for the batch's attempts: a round trip per row costs on PostgreSQL.
        if !attempts.is_empty() {
            crate::store::multi_row_insert!(conn, notification_attempts::table, attempts);
        }
        Ok(recorded)
    })
}

/// Puts a failed or dead message back in the queue with a fresh set of attempts.
pub fn requeue(
    conn: &mut DbConnection,
    outbox: &Outbox,
    id: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::status.eq_any(["failed", "dead"])),
    )
    .set((
        notifications::status.eq("queued"),
        notifications::attempts.eq(0),
        notifications::next_attempt_at.eq(now),
        notifications::claimed_by.eq(None::<String>),
        notifications::updated_at.eq(now),
    ))
    .execute(conn)?;
    if n == 1 {
        outbox.queued();
    }
    Ok(n == 1)
}

/// Orders in `scheduling` whose customer was sent a "choose a time" link, with
/// when the first went: those waiting for the customer's choice.
pub fn choice_invitations(
    conn: &mut DbConnection,
) -> Result<Vec<(ids::WorkOrderId, chrono::DateTime<chrono::Utc>)>, AppError> {
    use super::schema::work_orders;
    let rows: Vec<(ids::WorkOrderId, Option<NaiveDateTime>)> = work_orders::table
        .inner_join(
            notifications::table.on(notifications::work_order_id.eq(work_orders::id.nullable())),
        )
        .filter(
            work_orders::status.eq(crate::core::work_order::WorkOrderStatus::Scheduling.as_str()),
        )
        .filter(notifications::event.eq(NoticeEvent::ChooseTime.as_str()))
        .group_by(work_orders::id)
        .select((work_orders::id, diesel::dsl::min(notifications::created_at)))
        .order(work_orders::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at)| Some((id, utc(at?))))
        .collect())
}
