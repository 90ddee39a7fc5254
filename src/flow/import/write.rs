//! Writes one checked record, new or over the one a former import made, through
//! the same store functions the API uses (so an import keeps every invariant:
//! references checked, search words, analytics rollups).

use std::path::Path;

use chrono::{Datelike, NaiveDateTime};
use sha2::{Digest, Sha256};

use super::record::Record;
use crate::core::ids;
use crate::core::media::{self, MediaKind};
use crate::core::visit::VisitStatus;
use crate::core::work_order::Priority;
use crate::core::work_order::ScopeLine;
use crate::error::AppError;
use crate::flow::{plans as plan_flow, Actor};
use crate::store::certificates::{self, CertificateRow};
use crate::store::contacts::Contacts;
use crate::store::customers::Customers;
use crate::store::equipment::EquipmentRepo;
use crate::store::records::Repo;
use crate::store::sites::{self, Sites};
use crate::store::visit_files::{self, VisitFileRow};
use crate::store::visits::{self, VisitRow};
use crate::store::work_orders::{self, WorkOrderRow};
use crate::store::{rollups, DbConnection};

/// How the records of one run are written.
pub struct Writer<'a> {
    pub actor: &'a Actor,
    /// Where photos and certificate PDFs named in the rows are.
    pub folder: Option<&'a Path>,
    /// Check every file but store none: the transaction is rolled back after.
    pub dry_run: bool,
    pub at: NaiveDateTime,
}

/// What writing one record did.
pub struct Written {
    /// Our id of the record (a plan's is given when it is made).
    pub id: String,
    /// The customer whose timeline notes the import; none for plans, whose
    /// flow writes its own event.
    pub customer_id: Option<String>,
    /// Photos or PDFs stored.
    pub files: usize,
}

fn repo<R: Repo>(
    conn: &mut DbConnection,
    w: &Writer,
    id: &str,
    existing: bool,
    fields: &R::Fields,
) -> Result<(), AppError> {
    let id: R::Id = ids::typed(id, "id")?;
    if existing {
        R::update(conn, &id, fields, w.at)
    } else {
        R::insert(conn, &id, fields, w.at)
    }
}

/// Writes `record` under `id`; `existing` when a former import made it.
pub fn write(
    conn: &mut DbConnection,
    w: &Writer,
    id: &str,
    existing: bool,
    record: &Record,
) -> Result<Written, AppError> {
    let mut files = 0;
    let (id, customer_id) = match record {
        Record::Part(f) => {
            part(conn, w, id, existing, f)?;
            (id.to_owned(), None)
        }
        Record::Customer(f) => {
            repo::<Customers>(conn, w, id, existing, f)?;
            (id.to_owned(), Some(id.to_owned()))
        }
        Record::Site(f) => {
            repo::<Sites>(conn, w, id, existing, f)?;
            (id.to_owned(), Some(f.customer_id.clone()))
        }
        Record::Contact(f) => {
            repo::<Contacts>(conn, w, id, existing, f)?;
            (id.to_owned(), Some(f.customer_id.clone()))
        }
        Record::Equipment(f) => {
            repo::<EquipmentRepo>(conn, w, id, existing, f)?;
            let owner = sites::active_owner(conn, "site_id", &f.site_id)?;
            (id.to_owned(), Some(owner))
        }
        Record::Plan(fields, equipment_id, last) => {
            let plan_id = if existing {
                let patch = serde_json::to_value(fields)?;
                plan_flow::update(conn, w.actor, &ids::typed(id, "id")?, &patch)?.id
            } else {
                plan_flow::create(
                    conn,
                    w.actor,
                    &ids::typed(equipment_id, "equipment_id")?,
                    fields.clone(),
                )?
                .id
            };
            if let Some(day) = last {
                plan_flow::completed(
                    conn,
                    w.actor,
                    &plan_id,
                    *day,
                    plan_flow::end_of(*day, w.actor.timezone),
                )?;
            }
            (plan_id.into_string(), None)
        }
        Record::Order(o) => {
            let customer_id = sites::active_owner(conn, "site_id", &o.site_id)?;
            order(conn, w, id, existing, o, &customer_id)?;
            (id.to_owned(), Some(customer_id))
        }
        Record::Visit(v, engineer_id) => {
            let order = order_of(conn, &v.work_order_id)?;
            let row = VisitRow {
                id: ids::typed(id, "id")?,
                work_order_id: order.id.clone(),
                engineer_id: ids::typed(engineer_id, "engineer_id")?,
                planned_start: v.planned_start.naive_utc(),
                planned_end: v.planned_end.naive_utc(),
                on_site_contact_id: None,
                status: VisitStatus::Finished,
                travel_started_at: None,
                arrived_at: v.arrived_at.map(|t| t.naive_utc()),
                finished_at: v.finished_at.map(|t| t.naive_utc()),
                outcome: Some(v.outcome.as_str().into()),
                result_notes: v.result_notes.clone(),
                lines_done: "[]".into(),
                parts_used: "[]".into(),
                created_at: v.planned_start.naive_utc(),
                updated_at: v.finished_at.unwrap_or(v.planned_end).naive_utc(),
                customer_response: None,
                customer_response_note: None,
                customer_responded_at: None,
                recommendations: None,
                customer_rating: v.customer_rating,
                customer_comment: v.customer_comment.clone(),
                booking_version: 1,
            };
            if existing {
                visits::save(conn, &row)?;
            } else {
                visits::insert(conn, &row)?;
            }
            for (i, name) in v.photos.iter().enumerate() {
                files += photo(conn, w, &row, &format!("photos[{i}]"), name)?;
            }
            (id.to_owned(), Some(order.customer_id.into_string()))
        }
        Record::Certificate(c) => {
            let order = order_of(conn, &c.work_order_id)?;
            let (file_key, sha256, size_bytes) = match &c.file {
                Some(name) => {
                    let bytes = read(w, "file", name)?;
                    if !bytes.starts_with(b"%PDF-") {
                        return Err(AppError::invalid("file", "is not a PDF"));
                    }
                    files += 1;
                    let sha = format!("{:x}", Sha256::digest(&bytes));
                    (store_file(w, &bytes)?, sha, bytes.len() as i64)
                }
                None => (String::new(), String::new(), 0),
            };
            let issued = c.issued_at.naive_utc();
            certificates::replace(
                conn,
                &CertificateRow {
                    id: id.to_owned(),
                    work_order_id: order.id.to_string(),
                    number: c.number.clone(),
                    year: issued.year(),
                    // Numbers of the other system are kept as they are: no place in our sequence.
                    sequence: 0,
                    file_key,
                    sha256,
                    size_bytes,
                    locale: w.actor.messaging.locale.as_str().into(),
                    created_by: Some(w.actor.user_id.to_string()),
                    created_at: issued,
                },
            )?;
            (id.to_owned(), Some(order.customer_id.into_string()))
        }
    };
    Ok(Written {
        id,
        customer_id,
        files,
    })
}

fn order_of(conn: &mut DbConnection, id: &str) -> Result<WorkOrderRow, AppError> {
    work_orders::find(conn, &ids::typed(id, "work_order_id")?)?
        .ok_or_else(|| AppError::invalid("work_order_id", "no such work order"))
}

fn order(
    conn: &mut DbConnection,
    w: &Writer,
    id: &str,
    existing: bool,
    o: &crate::core::import::history::PastOrder,
    customer_id: &str,
) -> Result<(), AppError> {
    let created = o.created_at.naive_utc();
    let completed = o.completed_at.map(|t| t.naive_utc());
    let scope: Vec<ScopeLine> = o
        .description
        .iter()
        .map(|d| ScopeLine::work(d.clone(), 1.0, o.total))
        .collect();
    let mut row = WorkOrderRow {
        id: ids::typed(id, "id")?,
        customer_id: ids::typed(customer_id, "customer_id")?,
        site_id: ids::typed(&o.site_id, "site_id")?,
        equipment_ids: serde_json::to_string(&o.equipment_ids)?,
        status: o.status,
        priority: Priority::Normal,
        scope_lines: serde_json::to_string(&scope)?,
        total: o.total,
        currency: o
            .currency
            .clone()
            .unwrap_or_else(|| w.actor.currency.clone()),
        estimated_minutes: None,
        required_skills: "[]".into(),
        engineer_notes: o.engineer_notes.clone(),
        time_wishes: None,
        reminder_id: None,
        status_reason: None,
        postponed_until: None,
        postponed_from: None,
        completion_summary: o.completion_summary.clone(),
        next_step: None,
        version: 1,
        created_by: Some(w.actor.user_id.to_string()),
        created_at: created,
        updated_at: completed.unwrap_or(created),
        time_windows: "[]".into(),
        kind: o.kind,
        // History reached each milestone when it was done, not when imported.
        agreed_at: completed.map(|_| created),
        scheduled_at: completed.map(|_| created),
        completed_at: completed,
    };
    match existing
        .then(|| work_orders::find(conn, &row.id))
        .transpose()?
        .flatten()
    {
        Some(before) => {
            row.created_by = before.created_by;
            work_orders::save_versioned(conn, &mut row, before.version)
        }
        None => {
            work_orders::insert(conn, &row)?;
            // Its milestones were set, not reached now: add it to the totals here.
            rollups::add_completed(conn, &row)
        }
    }
}

/// Stores one photo of a visit, once: a second import finds it by its name.
fn photo(
    conn: &mut DbConnection,
    w: &Writer,
    visit: &VisitRow,
    field: &str,
    name: &str,
) -> Result<usize, AppError> {
    let client_id = format!("import:{}/{name}", visit.id);
    let stored = visit_files::of_visits(conn, &[visit.id.to_string()])?;
    if stored
        .iter()
        .any(|f| f.client_id.as_deref() == Some(client_id.as_str()))
    {
        return Ok(0);
    }
    let bytes = read(w, field, name)?;
    let info = media::check(MediaKind::Photo, &bytes)
        .map_err(|e| AppError::invalid(field, format!("`{name}` {}", e.message)))?;
    visit_files::insert(
        conn,
        &VisitFileRow {
            id: crate::core::ids::FileId::new(),
            visit_id: visit.id.clone(),
            kind: MediaKind::Photo,
            file_key: store_file(w, &bytes)?,
            content_type: info.content_type.into(),
            width: info.width as i32,
            height: info.height as i32,
            size_bytes: bytes.len() as i64,
            client_id: Some(client_id),
            created_by: w.actor.user_id.to_string(),
            created_at: visit.updated_at,
        },
    )?;
    Ok(1)
}

fn read(w: &Writer, field: &str, name: &str) -> Result<Vec<u8>, AppError> {
    let folder = w.folder.ok_or_else(|| {
        AppError::invalid(
            field,
            "names a file, but the import was given no folder of files (`orderly import --files DIR`)",
        )
    })?;
    std::fs::read(folder.join(name)).map_err(|e| {
        AppError::invalid(
            field,
            format!("cannot read `{name}` in the files folder: {e}"),
        )
    })
}

/// The file's key; on a dry run, the key it would have, with nothing stored.
fn store_file(w: &Writer, bytes: &[u8]) -> Result<String, AppError> {
    if w.dry_run {
        Ok(format!("{:x}", Sha256::digest(bytes)))
    } else {
        w.actor.files.put(bytes)
    }
}

/// Writes a catalogue part under `id`; a SKU or barcode another part has is
/// refused (the import's row error names it).
fn part(
    conn: &mut DbConnection,
    w: &Writer,
    id: &str,
    existing: bool,
    fields: &crate::core::part::PartFields,
) -> Result<(), AppError> {
    use crate::store::parts::{self, PartRow};
    let id: ids::PartId = ids::typed(id, "id")?;
    crate::flow::parts::unclaimed(conn, fields, Some(&id))?;
    let created_at = match parts::find(conn, &id)? {
        Some(old) if existing => old.created_at,
        _ => w.at,
    };
    let row = PartRow::new(id, fields.clone(), &w.actor.currency, created_at, w.at);
    if existing {
        parts::update(conn, &row)
    } else {
        parts::insert(conn, &row)
    }
}
