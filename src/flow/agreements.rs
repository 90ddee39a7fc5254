//! Recording what was promised to a customer; a follow-up date becomes a reminder.

use serde_json::json;

use super::{event, Actor};
use crate::core::agreement::{Agreement, AgreementDraft, AgreementStatus};
use crate::core::ids::{self, CustomerId};
use crate::core::reminder::ReminderKind;
use crate::error::AppError;
use crate::store::agreements::{self, AgreementRow};
use crate::store::reminders::{self, ReminderRow};
use crate::store::{customers, now, transaction, DbConnection};

/// Records an agreement, and its follow-up reminder in the same transaction.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    customer_id: &CustomerId,
    draft: AgreementDraft,
) -> Result<Agreement, AppError> {
    let draft = draft.normalise(actor.today())?;
    transaction(conn, |conn| {
        customers::ensure_active(conn, "customer_id", customer_id)
            .map_err(|_| AppError::NotFound { entity: "customer" })?;
        let at = now();
        let row = AgreementRow {
            id: ids::new_id(),
            customer_id: customer_id.to_string(),
            kind: draft.kind,
            text: draft.text.clone(),
            amount: draft.amount,
            currency: actor.currency.clone(),
            percent: draft.percent,
            valid_until: draft.valid_until,
            follow_up_on: draft.follow_up_on,
            status: AgreementStatus::Active,
            honoured_work_order_id: None,
            created_by: Some(actor.user_id.to_string()),
            created_at: at,
            updated_at: at,
        };
        agreements::insert(conn, &row)?;
        event(
            conn,
            actor,
            customer_id,
            "agreement",
            &row.id,
            "created",
            json!({"kind": row.kind, "text": row.text, "amount": row.amount, "percent": row.percent,
                     "valid_until": row.valid_until, "follow_up_on": row.follow_up_on}),
        )?;
        if let Some(due) = draft.follow_up_on {
            let mut reminder = ReminderRow::new(
                customer_id,
                ReminderKind::Agreement,
                due,
                Some(row.text.clone()),
                Some(&actor.user_id),
            );
            reminder.agreement_id = Some(row.id.clone());
            reminders::insert(conn, &reminder)?;
            event(
                conn,
                actor,
                customer_id,
                "reminder",
                &reminder.id,
                "created",
                json!({"kind": "agreement", "due_on": due, "agreement_id": row.id}),
            )?;
        }
        row.into_view()
    })
}
