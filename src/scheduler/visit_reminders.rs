//! The day-before reminder: every visit booked for tomorrow (company time)
//! gets one message, whatever the number of runs or instances (its dedupe key
//! holds the visit and the day, so a visit moved to another day is reminded again).

use crate::store::db::Outbox;
use chrono::{DateTime, Days, Utc};

use crate::core::calendar::day_bounds;
use crate::core::notice::NoticeEvent;
use crate::error::AppError;
use crate::flow::notices::{self, Messaging};
use crate::store::{transaction, visits, work_orders, DbConnection};

/// Writes tomorrow's reminders as of `at`; returns how many were new.
pub fn remind_visits(
    conn: &mut DbConnection,
    outbox: &Outbox,
    messaging: &Messaging,
    at: DateTime<Utc>,
) -> Result<usize, AppError> {
    let today = at.with_timezone(&messaging.timezone).date_naive();
    let Some(tomorrow) = today.checked_add_days(Days::new(1)) else {
        return Ok(0);
    };
    let (from, to) = day_bounds(tomorrow, messaging.timezone);
    let mut written = 0;
    for visit in visits::booked_starting_between(conn, from, to)? {
        written += transaction(conn, |conn| {
            let Some(order) = work_orders::find(conn, &visit.work_order_id)? else {
                return Ok(0);
            };
            let key = format!("visit_reminder:{}:{tomorrow}", visit.id);
            let new = notices::about_visit(
                conn,
                outbox,
                messaging,
                NoticeEvent::VisitReminder,
                &order,
                &visit,
                key,
            )?;
            Ok(usize::from(new))
        })?;
    }
    Ok(written)
}
