//! Visit images (photos, the signature) and the phone's request ids.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{client_requests, visit_files};
use super::{utc, DbConnection};
use crate::core::ids::{FileId, VisitId};
use crate::core::media::MediaKind;
use crate::core::visit::VisitFile;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = visit_files)]
pub struct VisitFileRow {
    pub id: FileId,
    pub visit_id: VisitId,
    pub kind: MediaKind,
    pub file_key: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub size_bytes: i64,
    /// The id the phone gave the upload; a resend with it returns this row.
    pub client_id: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl VisitFileRow {
    /// The file as the API shows it.
    pub fn view(&self) -> Result<VisitFile, AppError> {
        Ok(VisitFile {
            id: self.id.to_string(),
            kind: self.kind,
            content_type: self.content_type.clone(),
            width: self.width,
            height: self.height,
            size_bytes: self.size_bytes,
            created_at: utc(self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &VisitFileRow) -> Result<(), AppError> {
    diesel::insert_into(visit_files::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &FileId) -> Result<Option<VisitFileRow>, AppError> {
    Ok(visit_files::table
        .find(id)
        .select(VisitFileRow::as_select())
        .first(conn)
        .optional()?)
}

/// The upload a user already sent with this id, if any.
pub fn by_client_id(
    conn: &mut DbConnection,
    user_id: &str,
    client_id: &str,
) -> Result<Option<VisitFileRow>, AppError> {
    Ok(visit_files::table
        .filter(visit_files::created_by.eq(user_id))
        .filter(visit_files::client_id.eq(client_id))
        .select(VisitFileRow::as_select())
        .first(conn)
        .optional()?)
}

/// The images of some visits, oldest first.
pub fn of_visits(
    conn: &mut DbConnection,
    visit_ids: &[String],
) -> Result<Vec<VisitFileRow>, AppError> {
    Ok(visit_files::table
        .filter(visit_files::visit_id.eq_any(visit_ids))
        .order((visit_files::created_at.asc(), visit_files::id.asc()))
        .select(VisitFileRow::as_select())
        .load(conn)?)
}

/// How many images of a kind a visit holds.
pub fn count(
    conn: &mut DbConnection,
    visit_id: &VisitId,
    kind: MediaKind,
) -> Result<i64, AppError> {
    Ok(visit_files::table
        .filter(visit_files::visit_id.eq(visit_id))
        .filter(visit_files::kind.eq(kind.as_str()))
        .count()
        .get_result(conn)?)
}

/// What a request sent with a client's id did: the order, the action and the
/// body's hash it was first sent with.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct SeenRequest {
    pub work_order_id: String,
    pub action: String,
    pub body_hash: String,
}

/// The request a user sent before with this id, if any.
pub fn seen_request(
    conn: &mut DbConnection,
    user_id: &str,
    client_id: &str,
) -> Result<Option<SeenRequest>, AppError> {
    Ok(client_requests::table
        .filter(client_requests::user_id.eq(user_id))
        .filter(client_requests::client_id.eq(client_id))
        .select((
            client_requests::work_order_id,
            client_requests::action,
            client_requests::body_hash,
        ))
        .first(conn)
        .optional()?)
}

/// Forgets request ids older than `before`: a phone resends within minutes or
/// days, not months. Returns how many were forgotten.
pub fn forget_requests_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<usize, AppError> {
    Ok(
        diesel::delete(client_requests::table.filter(client_requests::created_at.lt(before)))
            .execute(conn)?,
    )
}

/// Remembers a request id with what it was sent for, in the transaction of what it did.
pub fn remember_request(
    conn: &mut DbConnection,
    user_id: &str,
    client_id: &str,
    request: &SeenRequest,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(client_requests::table)
        .values((
            client_requests::user_id.eq(user_id),
            client_requests::client_id.eq(client_id),
            client_requests::work_order_id.eq(&request.work_order_id),
            client_requests::action.eq(&request.action),
            client_requests::body_hash.eq(&request.body_hash),
            client_requests::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
