//! The delivery worker: claims due messages under a lease, sends them several at
//! a time, and records each result, retrying passing failures with backoff.
//!
//! Several instances may run against one PostgreSQL: a message is claimed by one
//! worker at a time (`FOR UPDATE SKIP LOCKED`), and a worker's result counts only
//! while it still holds the lease. A worker that dies mid-send leaves its messages
//! `sending`; when the lease ends another worker takes them. Providers receive
//! the outbox id as an idempotency key (and e-mail a fixed Message-ID), so the
//! one case that can repeat a message (death after the provider accepted it,
//! before the result was written) is recognisable downstream.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use futures_util::stream::{self, StreamExt};
use rand::Rng;
use tokio::sync::Notify;

use super::email::EmailSender;
use super::sms::SmsSender;
use super::{File, Outgoing, SendError};
use crate::config::delivery::DeliverySettings;
use crate::config::Config;
use crate::core::ids;
use crate::core::notice::delivery::retry_delay;
use crate::core::notice::MessageChannel;
use crate::error::AppError;
use crate::files::FileStore;
use crate::flow::notices::Attachment;
use crate::flow::notices::Messaging;
use crate::runtime::Runtime;
use crate::store::notifications::{self, Delivery, Finished, NotificationRow};
use crate::store::utc;

/// One delivery worker.
pub struct Worker {
    id: String,
    runtime: Runtime,
    /// Rebuilt when the settings in force change (the owner saved new ones).
    transports: RefCell<Rc<Transports>>,
}

/// The senders and the settings they were made from.
struct Transports {
    config: Arc<Config>,
    settings: DeliverySettings,
    messaging: Arc<Messaging>,
    sms: SmsSender,
    email: EmailSender,
}

impl Transports {
    fn new(config: Arc<Config>) -> Result<Transports, String> {
        let settings = config.delivery.clone();
        Ok(Transports {
            sms: SmsSender::new(settings.sms.clone(), settings.timeout),
            email: EmailSender::new(
                &settings.email,
                &settings.email_from,
                settings.timeout,
                settings.concurrency,
            )?,
            messaging: config.messaging.clone(),
            settings,
            config,
        })
    }

    fn release_at(
        &self,
        channel: MessageChannel,
        urgent: bool,
        at: NaiveDateTime,
    ) -> NaiveDateTime {
        self.messaging
            .release_at(channel, urgent, utc(at))
            .naive_utc()
    }
}

fn naive(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl Worker {
    /// A worker with the transports of the runtime's configuration.
    pub fn new(runtime: &Runtime) -> Result<Worker, String> {
        Ok(Worker {
            id: format!("worker-{}", ids::new_id()),
            transports: RefCell::new(Rc::new(Transports::new(runtime.config())?)),
            runtime: runtime.clone(),
        })
    }

    /// The transports of the settings in force, rebuilt if they changed; on a
    /// bad new setting the old transports go on and the error is logged.
    fn transports(&self) -> Rc<Transports> {
        let mut current = self.transports.borrow_mut();
        let config = self.runtime.config();
        if !Arc::ptr_eq(&current.config, &config) {
            match Transports::new(config) {
                Ok(t) => *current = Rc::new(t),
                Err(error) => tracing::error!(%error, "new delivery settings cannot be used"),
            }
        }
        current.clone()
    }

    /// Claims one batch of due messages and delivers it; returns how many it claimed.
    pub async fn run_once(&self) -> Result<usize, AppError> {
        let t = self.transports();
        let now = Utc::now().naive_utc();
        let lease_until = now + naive(t.settings.lease);
        let (id, batch) = (self.id.clone(), t.settings.batch);
        let files = self.runtime.files.clone();
        let claimed = self
            .runtime
            .db(move |conn| {
                let rows = notifications::claim(conn, &id, now, lease_until, batch)?;
                // Read here, on the blocking pool, not on the sending task.
                Ok(rows
                    .into_iter()
                    .map(|row| {
                        let files = attachments(files.as_ref(), &row.attachments);
                        (row, files)
                    })
                    .collect::<Vec<_>>())
            })
            .await?;
        let n = claimed.len();
        if n == 0 {
            return Ok(0);
        }
        let results: Vec<Finished> = stream::iter(claimed.iter())
            .map(|(row, files)| deliver(&t, row, files))
            .buffer_unordered(t.settings.concurrency)
            .collect()
            .await;
        let id = self.id.clone();
        self.runtime
            .db(move |conn| notifications::finish(conn, &id, &results))
            .await?;
        Ok(n)
    }

    /// Delivers until the process ends: a full batch is followed at once by the
    /// next; otherwise it waits to be woken (a message was queued) or for the poll.
    pub async fn run(self, wake: Arc<Notify>) {
        tracing::info!(worker = %self.id, "delivery worker started");
        loop {
            let (batch, poll) = {
                let t = self.transports();
                (t.settings.batch, t.settings.poll)
            };
            match self.run_once().await {
                Ok(n) if n as i64 >= batch => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "delivery pass failed"),
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}

/// One attempt at one message, and what to record of it.
async fn deliver(
    t: &Transports,
    row: &NotificationRow,
    files: &Result<Vec<File>, String>,
) -> Finished {
    let started = Utc::now().naive_utc();
    let finished = |delivery| Finished {
        id: row.id.clone(),
        attempt: row.attempts,
        started_at: started,
        finished_at: Utc::now().naive_utc(),
        delivery,
    };
    // A channel this version does not know (a damaged row) fails the message.
    let channel = match row.channel() {
        Ok(channel) => channel,
        Err(error) => {
            return finished(Delivery::Failed {
                error: error.to_string(),
            })
        }
    };
    // Quiet hours may have begun since it was queued (a retry, a reclaimed lease).
    let allowed = t.release_at(channel, row.urgent, started);
    if allowed > started {
        return finished(Delivery::Deferred { until: allowed });
    }
    let attached = match files {
        Ok(files) => files,
        Err(error) => {
            return finished(Delivery::Failed {
                error: error.clone(),
            })
        }
    };
    let outgoing = Outgoing {
        id: &row.id,
        to: &row.recipient,
        subject: row.subject.as_deref(),
        body: &row.body,
        attachments: attached,
    };
    let sent = tokio::time::timeout(t.settings.timeout, async {
        match channel {
            MessageChannel::Sms => t.sms.send(&outgoing).await,
            MessageChannel::Email => t.email.send(&outgoing).await,
        }
    })
    .await
    .unwrap_or_else(|_| {
        Err(SendError::Transient(format!(
            "no answer within {} s",
            t.settings.timeout.as_secs()
        )))
    });
    let attempt = u32::try_from(row.attempts).unwrap_or(u32::MAX);
    let delivery = match sent {
        Ok(provider_id) => Delivery::Sent { provider_id },
        Err(SendError::Permanent(error)) => Delivery::Failed { error },
        Err(SendError::Transient(error)) if attempt >= t.settings.max_attempts => Delivery::Dead {
            error: format!("{error} (gave up after {attempt} attempts)"),
        },
        Err(SendError::Transient(error)) => {
            let jitter: f64 = rand::thread_rng().gen();
            let delay = retry_delay(attempt, t.settings.retry_base, t.settings.retry_max, jitter);
            let at = t.release_at(channel, row.urgent, Utc::now().naive_utc() + naive(delay));
            Delivery::Retry { error, at }
        }
    };
    if let Delivery::Failed { error } | Delivery::Dead { error } = &delivery {
        tracing::warn!(id = %row.id, channel = channel.as_str(), %error, "message not delivered");
    }
    finished(delivery)
}

/// Reads a message's attachments from the file store; a missing one fails the message.
fn attachments(store: &dyn FileStore, json: &str) -> Result<Vec<File>, String> {
    let listed: Vec<Attachment> =
        serde_json::from_str(json).map_err(|e| format!("unreadable attachment list: {e}"))?;
    listed
        .into_iter()
        .map(|a| match a.inline {
            Some(text) => Ok(File {
                name: a.name,
                content_type: a.content_type,
                bytes: text.into_bytes(),
            }),
            None => stored(store, a),
        })
        .collect()
}

fn stored(store: &dyn FileStore, a: Attachment) -> Result<File, String> {
    match store.get(&a.key) {
        Ok(Some(bytes)) => Ok(File {
            name: a.name,
            content_type: a.content_type,
            bytes,
        }),
        Ok(None) => Err(format!(
            "the attachment {} is missing from the file store",
            a.name
        )),
        Err(e) => Err(format!("the attachment {} cannot be read: {e}", a.name)),
    }
}

/// Starts the worker on the current (actix) runtime.
pub fn start(runtime: &Runtime) -> Result<actix_web::rt::task::JoinHandle<()>, String> {
    let worker = Worker::new(runtime)?;
    let wake = runtime.database.doorbell();
    Ok(actix_web::rt::spawn(worker.run(wake)))
}
