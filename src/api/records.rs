//! The handler bodies shared by every customer-base record: create, read,
//! merge-patch, archive, restore. The role modules' handlers call them.

use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::state::AppState;
use crate::core::Fields;
use crate::error::AppError;
use crate::store::records::{self, Repo};

/// Normalises and stores a new record; 201 with the record.
pub async fn create<R>(
    state: &AppState,
    actor: String,
    fields: R::Fields,
) -> Result<HttpResponse, AppError>
where
    R: Repo + 'static,
    R::Fields: Send + 'static,
    R::View: Send + 'static,
{
    let fields = fields.normalise(&state.input_context())?;
    let view = state
        .db(move |conn| records::create::<R>(conn, &actor, fields))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The record, archived or not.
pub async fn get<R>(state: &AppState, id: R::Id) -> Result<web::Json<R::View>, AppError>
where
    R: Repo + 'static,
    R::View: Send + 'static,
{
    Ok(web::Json(
        state.db(move |conn| records::get::<R>(conn, &id)).await?,
    ))
}

/// Applies an RFC 7386 merge patch.
pub async fn update<R>(
    state: &AppState,
    actor: String,
    id: R::Id,
    patch: Value,
) -> Result<web::Json<R::View>, AppError>
where
    R: Repo + 'static,
    R::View: Send + 'static,
{
    let ctx = state.input_context();
    Ok(web::Json(
        state
            .db(move |conn| records::update::<R>(conn, &actor, &id, &patch, &ctx))
            .await?,
    ))
}

/// Archives (`true`) or restores (`false`).
pub async fn set_archived<R>(
    state: &AppState,
    actor: String,
    id: R::Id,
    archive: bool,
) -> Result<web::Json<R::View>, AppError>
where
    R: Repo + 'static,
    R::View: Send + 'static,
{
    Ok(web::Json(
        state
            .db(move |conn| records::set_archived::<R>(conn, &actor, &id, archive))
            .await?,
    ))
}
