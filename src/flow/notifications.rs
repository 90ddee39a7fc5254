//! The outbox as the office handles it: one message with its attempts, and a
//! retry for a message that gave up.

use crate::core::ids::NotificationId;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::core::notice::{Attempt, Notification};
use crate::error::AppError;
use crate::store::db::Outbox;
use crate::store::events::{self, NewEvent};
use crate::store::notifications;
use crate::store::{now, transaction, DbConnection};

/// One message with every attempt at it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDetail {
    #[serde(flatten)]
    pub notification: Notification,
    pub attempts_made: Vec<Attempt>,
}

fn not_found() -> AppError {
    AppError::NotFound {
        entity: "notification",
    }
}

/// The message and its attempts, or 404.
pub fn detail(
    conn: &mut DbConnection,
    id: &NotificationId,
) -> Result<NotificationDetail, AppError> {
    let row = notifications::find(conn, id)?.ok_or_else(not_found)?;
    Ok(NotificationDetail {
        attempts_made: notifications::attempts(conn, id)?,
        notification: row.into_view()?,
    })
}

/// Puts a failed or dead message back in the queue with fresh attempts, on the
/// customer's timeline; anything else is 409 `not_retryable`.
pub fn retry(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &str,
    id: &NotificationId,
) -> Result<NotificationDetail, AppError> {
    transaction(conn, |conn| {
        let current = detail(conn, id)?.notification;
        if !notifications::requeue(conn, outbox, &current.id, now())? {
            return Err(AppError::conflict(
                "not_retryable",
                format!(
                    "the message is {}; only a failed or dead one can be retried",
                    current.status.as_str()
                ),
            ));
        }
        events::record(
            conn,
            NewEvent {
                actor_id: Some(actor),
                customer_id: current.customer_id.as_deref(),
                entity_type: "notification",
                entity_id: &current.id,
                action: "retried",
                changes: json!({"from": current.status, "last_error": current.last_error}),
            },
        )?;
        detail(conn, id)
    })
}
