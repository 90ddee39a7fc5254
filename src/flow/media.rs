//! Photos and the customer's signature, added by the engineer to their own
//! visit while it is under way or just finished (until it is certified).

use serde_json::json;

use super::{event, Actor};
use crate::core::ids::{FileId, TypedId, VisitId};
use crate::core::media::{check, ImageInfo, MediaKind, MAX_PHOTOS};
use crate::core::visit::{VisitFile, VisitStatus};
use crate::core::work_order::WorkOrderStatus;
use crate::error::AppError;
use crate::files::images::Kept;
use crate::store::visit_files::{self, VisitFileRow};
use crate::store::{now, transaction, visits, work_orders, DbConnection};

fn not_found() -> AppError {
    AppError::NotFound { entity: "visit" }
}

/// An upload as first looked at, before any work is spent on its pixels.
pub enum Upload {
    /// Sent before with the same `client_id`: the first one, as stored.
    Resent(VisitFile),
    /// New, to the caller's own visit; its header read and within the limits.
    New(ImageInfo),
}

/// The caller's own upload sent again with its `client_id`, answered only for
/// the same visit and kind.
fn resent(
    conn: &mut DbConnection,
    actor: &Actor,
    visit_id: &VisitId,
    kind: MediaKind,
    client_id: Option<&str>,
) -> Result<Option<VisitFile>, AppError> {
    let Some(id) = client_id else {
        return Ok(None);
    };
    match visit_files::by_client_id(conn, &actor.user_id, id)? {
        Some(row) if row.visit_id != *visit_id || row.kind != kind => Err(AppError::key_reused()),
        Some(row) => Ok(Some(row.view()?)),
        None => Ok(None),
    }
}

/// Looks at an upload before its image is decoded: a resend is answered, a
/// visit not the caller's does not exist, and the header must be within the
/// limits. Decoding (`files::images::keep`) then happens outside any database
/// connection, and [`add`] stores what it kept.
pub fn admit(
    conn: &mut DbConnection,
    actor: &Actor,
    visit_id: &str,
    kind: MediaKind,
    bytes: &[u8],
    client_id: Option<&str>,
) -> Result<Upload, AppError> {
    let visit_id = VisitId::parse(visit_id).ok_or_else(not_found)?;
    if let Some(first) = resent(conn, actor, &visit_id, kind, client_id)? {
        return Ok(Upload::Resent(first));
    }
    let info = check(kind, bytes)?;
    visits::find(conn, &visit_id)?
        .filter(|v| v.engineer_id == actor.user_id)
        .ok_or_else(not_found)?;
    Ok(Upload::New(info))
}

/// Stores an image of the actor's visit, as kept (at most 1600 px a side);
/// returns it and whether it is new (a resend with the same `client_id`, also
/// one racing this, returns the first one).
pub fn add(
    conn: &mut DbConnection,
    actor: &Actor,
    visit_id: &str,
    kind: MediaKind,
    kept: &Kept,
    client_id: Option<&str>,
) -> Result<(VisitFile, bool), AppError> {
    let visit_id = VisitId::parse(visit_id).ok_or_else(not_found)?;
    if let Some(first) = resent(conn, actor, &visit_id, kind, client_id)? {
        return Ok((first, false));
    }
    let (bytes, info) = (kept.bytes.as_slice(), kept.info);
    transaction(conn, |conn| {
        let visit = visits::find(conn, &visit_id)?
            .filter(|v| v.engineer_id == actor.user_id)
            .ok_or_else(not_found)?;
        let order = work_orders::find(conn, &visit.work_order_id)?.ok_or_else(not_found)?;
        let open_visit = matches!(
            visit.status,
            VisitStatus::EnRoute | VisitStatus::OnSite | VisitStatus::Finished
        );
        let open_order = !matches!(
            order.status,
            WorkOrderStatus::Certified | WorkOrderStatus::Closed | WorkOrderStatus::Cancelled
        );
        if !(open_visit && open_order) {
            return Err(AppError::conflict(
                "visit_closed",
                "images are added while the visit is under way, until the work is certified",
            ));
        }
        if kind == MediaKind::Photo
            && visit_files::count(conn, &visit.id, kind)? >= MAX_PHOTOS as i64
        {
            return Err(AppError::conflict(
                "too_many_photos",
                format!("a visit holds at most {MAX_PHOTOS} photos"),
            ));
        }
        let row = VisitFileRow {
            id: FileId::new(),
            visit_id: visit.id.clone(),
            kind,
            file_key: actor.files.put(bytes)?,
            content_type: info.content_type.to_owned(),
            width: info.width as i32,
            height: info.height as i32,
            size_bytes: bytes.len() as i64,
            client_id: client_id.map(str::to_owned),
            created_by: actor.user_id.to_string(),
            created_at: now(),
        };
        visit_files::insert(conn, &row)?;
        event(
            conn,
            actor,
            &order.customer_id,
            "visit",
            &visit.id,
            match kind {
                MediaKind::Photo => "photo_added",
                MediaKind::Signature => "signature_added",
            },
            json!({"file_id": row.id, "work_order_id": order.id}),
        )?;
        Ok((row.view()?, true))
    })
}

/// An image's row, if the caller may see it: office staff, or the visit's engineer.
pub fn readable(
    conn: &mut DbConnection,
    actor: &Actor,
    visit_id: &VisitId,
    file_id: &FileId,
) -> Result<VisitFileRow, AppError> {
    let none = || AppError::NotFound { entity: "file" };
    let row = visit_files::find(conn, file_id)?
        .filter(|f| f.visit_id == *visit_id)
        .ok_or_else(none)?;
    if !actor.roles.iter().any(|r| r.is_office()) {
        let visit = visits::find(conn, visit_id)?.ok_or_else(none)?;
        if visit.engineer_id != actor.user_id {
            return Err(none());
        }
    }
    Ok(row)
}
