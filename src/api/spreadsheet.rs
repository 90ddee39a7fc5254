//! A spreadsheet sent as a request's body (an import, a meter's log): its
//! format from the query or the Content-Type, read one file at a time per
//! instance, its size and rows bounded.

use actix_web::{web, HttpRequest};

use super::extract::limited_body;
use crate::error::AppError;
use crate::flow::import::sheet::{self, Format, Sheet};

/// The largest file taken over HTTP; larger imports go through `orderly import`.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// Spreadsheets being read or imported on this instance (at most one).
static IMPORTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// A 400 naming the query's field.
pub fn bad(field: &str, message: impl Into<String>) -> AppError {
    AppError::BadRequest {
        field: Some(field.into()),
        message: message.into(),
    }
}

/// `csv` or `xlsx` as asked, else from the Content-Type (CSV by default).
pub fn format_of(req: &HttpRequest, asked: Option<&str>) -> Result<Format, AppError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match asked.map(str::to_lowercase).as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("xlsx") => Ok(Format::Xlsx),
        Some(_) => Err(bad("format", "must be csv or xlsx")),
        None if content_type.contains("spreadsheetml") => Ok(Format::Xlsx),
        None => Ok(Format::Csv),
    }
}

/// Reads the body as a sheet of at most `max_rows` rows. One file in memory
/// at a time on this instance: a 64 MiB file and its rows are the largest
/// thing the server holds, and two at once would double it, so a second one
/// waits its turn before its body is read. The turn is held until the answer
/// is dropped, while the rows are worked on.
pub async fn read_sheet(
    req: &HttpRequest,
    payload: web::Payload,
    format: Format,
    max_rows: usize,
) -> Result<(Sheet, tokio::sync::SemaphorePermit<'static>), AppError> {
    let turn = IMPORTS.acquire().await.map_err(AppError::internal)?;
    let _give_back = crate::memory::GiveBackOnDrop;
    let bytes = limited_body(req, payload, MAX_IMPORT_BYTES, "an import file").await?;
    let sheet = web::block(move || sheet::read(format, &bytes, max_rows))
        .await
        .map_err(AppError::internal)??;
    Ok((sheet, turn))
}
