//! Erasing one customer's personal data (the right to erasure) while the
//! financial record stays: orders with their lines and totals, visits with
//! their times and ratings, certificate numbers, revenue in the analytics.

use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::sql::Sql;
use super::{events, DbConnection};
use crate::error::AppError;

/// What an erasure changed, and the stored files no record refers to any more
/// (photos, signatures, certificate PDFs) for the caller to delete after commit.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Erased {
    pub customer_id: String,
    pub sites: usize,
    pub contacts: usize,
    pub work_orders: usize,
    pub visits: usize,
    pub photos_and_signatures: usize,
    pub certificates: usize,
    pub messages: usize,
    pub timeline_events: usize,
    #[serde(skip)]
    pub files: Vec<String>,
}

/// The name an erased customer keeps, so lists and reports still read.
pub const ERASED_NAME: &str = "Erased customer";

/// The placeholder of the customer's id in the statements below.
const ID: &str = "{customer}";

/// Orders still in progress: the customer's data is needed to finish them.
const OPEN_ORDERS: &str = "SELECT COUNT(*) AS n FROM work_orders WHERE customer_id = {customer} \
     AND status NOT IN ('certified', 'closed', 'cancelled')";

/// Every statement of an erasure, in order. `{customer}` is the bound id.
const STATEMENTS: &[(&str, &str)] = &[
    (
        "customer",
        "UPDATE customers SET name = 'Erased customer', legal_name = NULL, tax_id = NULL, \
         legal_address = NULL, notes = NULL, tags = '[]', search_text = '' WHERE id = {customer}",
    ),
    (
        "sites",
        "UPDATE sites SET label = NULL, address_line1 = '-', address_line2 = NULL, \
         postal_code = NULL, latitude = NULL, longitude = NULL, access_notes = NULL, \
         search_text = '' WHERE customer_id = {customer}",
    ),
    (
        "contacts",
        "UPDATE contacts SET name = 'Erased', phones = '[]', email = NULL, role = NULL, \
         availability = NULL, preferred_channel = NULL, consent_service = FALSE, \
         consent_marketing = FALSE, search_text = '' WHERE customer_id = {customer}",
    ),
    (
        "equipment",
        "UPDATE equipment SET serial_number = NULL, notes = NULL, search_text = '' \
         WHERE customer_id = {customer}",
    ),
    (
        "plans",
        "UPDATE maintenance_plans SET active = FALSE WHERE customer_id = {customer}",
    ),
    (
        "agreements",
        "UPDATE agreements SET text = '-' WHERE customer_id = {customer}",
    ),
    (
        "reminders",
        "UPDATE reminders SET note = NULL, dismiss_reason = NULL, \
         status = CASE WHEN status IN ('open', 'snoozed') THEN 'dismissed' ELSE status END \
         WHERE customer_id = {customer}",
    ),
    (
        "work_orders",
        "UPDATE work_orders SET engineer_notes = NULL, time_wishes = NULL, status_reason = NULL, \
         completion_summary = NULL, next_step = NULL WHERE customer_id = {customer}",
    ),
    (
        "visits",
        "UPDATE visits SET result_notes = NULL, customer_response_note = NULL, \
         customer_comment = NULL, recommendations = NULL \
         WHERE work_order_id IN (SELECT id FROM work_orders WHERE customer_id = {customer})",
    ),
    (
        "messages",
        "UPDATE notifications SET recipient = '', subject = NULL, body = '', attachments = '[]', \
         last_error = NULL, \
         status = CASE WHEN status IN ('queued', 'sending', 'failed') THEN 'suppressed' ELSE status END \
         WHERE customer_id = {customer}",
    ),
    (
        "attempts",
        "UPDATE notification_attempts SET error = NULL \
         WHERE notification_id IN (SELECT id FROM notifications WHERE customer_id = {customer})",
    ),
    (
        "surveys",
        "UPDATE surveys SET comment = NULL WHERE customer_id = {customer}",
    ),
    (
        // Proposals name the customer and their address; the visits they
        // booked stay, the drafts go.
        "route plans",
        "DELETE FROM route_plans WHERE EXISTS (SELECT 1 FROM work_orders o \
         WHERE o.customer_id = {customer} AND route_plans.proposal LIKE '%' || o.id || '%')",
    ),
    (
        "timeline",
        "UPDATE events SET changes = '{}' WHERE customer_id = {customer}",
    ),
];

const VISIT_FILES: &str = "visit_id IN (SELECT v.id FROM visits v \
     JOIN work_orders o ON o.id = v.work_order_id WHERE o.customer_id = {customer})";

const CERTIFICATES: &str =
    "work_order_id IN (SELECT id FROM work_orders WHERE customer_id = {customer})";

/// A statement with the customer's id bound where `{customer}` stands.
fn statement(conn: &DbConnection, text: &str, customer_id: &str) -> Sql {
    let mut q = Sql::new(conn);
    let mut rest = text;
    while let Some((before, after)) = rest.split_once(ID) {
        q.push(before).text(customer_id);
        rest = after;
    }
    q.push(rest);
    q
}

#[derive(QueryableByName)]
struct Key {
    #[diesel(sql_type = Text)]
    file_key: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut DbConnection, text: &str, customer_id: &str) -> Result<i64, AppError> {
    let rows: Vec<Count> = statement(conn, text, customer_id).load(conn)?;
    Ok(rows.first().map_or(0, |c| c.n))
}

fn keys(conn: &mut DbConnection, text: &str, customer_id: &str) -> Result<Vec<String>, AppError> {
    let rows: Vec<Key> = statement(conn, text, customer_id).load(conn)?;
    Ok(rows.into_iter().map(|k| k.file_key).collect())
}

/// Erases the customer's personal data; call inside a transaction.
///
/// Refused while an order of theirs is in progress. Photos and signatures are
/// deleted, certificates keep their number and hash but lose the PDF (it names
/// the customer and their address), the timeline keeps what happened and when
/// but not the values. An `erased` event records who did it.
pub fn erase(
    conn: &mut DbConnection,
    customer_id: &str,
    actor_id: &str,
    reason: &str,
) -> Result<Erased, AppError> {
    let open = count(conn, OPEN_ORDERS, customer_id)?;
    if open > 0 {
        return Err(AppError::conflict(
            "open_work_orders",
            format!("{open} work order(s) of this customer are in progress: finish or cancel them before erasing"),
        ));
    }
    let mut erased = Erased {
        customer_id: customer_id.to_owned(),
        ..Erased::default()
    };
    for (what, text) in STATEMENTS {
        let n = statement(conn, text, customer_id).execute(conn)?;
        match *what {
            "sites" => erased.sites = n,
            "contacts" => erased.contacts = n,
            "work_orders" => erased.work_orders = n,
            "visits" => erased.visits = n,
            "messages" => erased.messages = n,
            "timeline" => erased.timeline_events = n,
            _ => {}
        }
    }
    let mut files = keys(
        conn,
        &format!("SELECT file_key FROM visit_files WHERE {VISIT_FILES}"),
        customer_id,
    )?;
    erased.photos_and_signatures = files.len();
    statement(
        conn,
        &format!("DELETE FROM visit_files WHERE {VISIT_FILES}"),
        customer_id,
    )
    .execute(conn)?;
    // What the customer reported from a sticker: the words, the phone and the photo.
    files.extend(keys(
        conn,
        "SELECT photo_key AS file_key FROM service_requests \
         WHERE photo_key IS NOT NULL AND customer_id = {customer}",
        customer_id,
    )?);
    statement(
        conn,
        "DELETE FROM service_requests WHERE customer_id = {customer}",
        customer_id,
    )
    .execute(conn)?;
    let pdfs = keys(
        conn,
        &format!("SELECT file_key FROM certificates WHERE file_key <> '' AND {CERTIFICATES}"),
        customer_id,
    )?;
    erased.certificates = pdfs.len();
    files.extend(pdfs);
    statement(
        conn,
        &format!("UPDATE certificates SET file_key = '' WHERE {CERTIFICATES}"),
        customer_id,
    )
    .execute(conn)?;
    files.sort();
    files.dedup();
    // Files are stored by content: keep any another record still refers to.
    let mut unused = Vec::new();
    for key in files {
        let mut q = Sql::new(conn);
        q.push("SELECT COUNT(*) AS n FROM (SELECT file_key FROM visit_files WHERE file_key = ")
            .text(&key)
            .push(" UNION ALL SELECT file_key FROM certificates WHERE file_key = ")
            .text(&key)
            .push(" UNION ALL SELECT photo_key FROM service_requests WHERE photo_key = ")
            .text(&key)
            .push(") AS still");
        if q.load::<Count>(conn)?.first().map_or(0, |c| c.n) == 0 {
            unused.push(key);
        }
    }
    erased.files = unused;
    events::record(
        conn,
        events::NewEvent {
            actor_id: Some(actor_id),
            customer_id: Some(customer_id),
            entity_type: "customer",
            entity_id: customer_id,
            action: "erased",
            changes: json!({ "reason": reason }),
        },
    )?;
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_names_the_customer() {
        for (what, text) in STATEMENTS {
            assert!(text.contains(ID), "{what}");
        }
        assert!(VISIT_FILES.contains(ID) && CERTIFICATES.contains(ID) && OPEN_ORDERS.contains(ID));
    }
}
