//! The office's own reminders: visits whose window passed with nobody on the way,
//! and work done but not certified after some days. One reminder per order, kind
//! and day (a unique key), so a second run or a second instance adds nothing.

use crate::core::ids::{CustomerId, WorkOrderId};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde_json::json;

use crate::core::reminder::ReminderKind;
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::reminders::{self, ReminderRow};
use crate::store::{transaction, visits, work_orders, DbConnection};

/// Reminders made for overdue visits and uncertified work.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OverdueReport {
    pub overdue_visits: usize,
    pub not_certified: usize,
}

/// Finds what is overdue as of `at` and reminds the office of it.
pub fn remind_overdue(
    conn: &mut DbConnection,
    at: DateTime<Utc>,
    today: NaiveDate,
    certify_within_days: i64,
) -> Result<OverdueReport, AppError> {
    let now = at.naive_utc();
    let late_visits = visits::booked_ending_before(conn, now - Duration::hours(1))?;
    let uncertified = work_orders::done_before(conn, now - Duration::days(certify_within_days))?;
    transaction(conn, |conn| {
        let mut report = OverdueReport::default();
        for (order_id, customer_id, planned) in late_visits {
            if remind(
                conn,
                &order_id,
                &customer_id,
                ReminderKind::OverdueVisit,
                today,
                planned,
            )? {
                report.overdue_visits += 1;
            }
        }
        for (order_id, customer_id, done) in uncertified {
            if remind(
                conn,
                &order_id,
                &customer_id,
                ReminderKind::NotCertified,
                today,
                done,
            )? {
                report.not_certified += 1;
            }
        }
        Ok(report)
    })
}

fn remind(
    conn: &mut DbConnection,
    order_id: &WorkOrderId,
    customer_id: &CustomerId,
    kind: ReminderKind,
    today: NaiveDate,
    about: NaiveDateTime,
) -> Result<bool, AppError> {
    // The note is written from the moment when read, in the reader's zone.
    let mut row = ReminderRow::new(customer_id, kind, today, None, None);
    row.work_order_id = Some(order_id.to_string());
    row.about_at = Some(about);
    if !reminders::insert_if_absent(conn, &row)? {
        return Ok(false);
    }
    events::record(
        conn,
        NewEvent {
            actor_id: None,
            customer_id: Some(customer_id),
            entity_type: "reminder",
            entity_id: &row.id,
            action: "created",
            changes: json!({"kind": kind, "work_order_id": order_id}),
        },
    )?;
    Ok(true)
}
