//! The life of a customer-base record — create, merge-patch, archive, restore —
//! written once for customers, contacts, sites and equipment.
//!
//! Each step runs in one transaction that also writes the timeline event and
//! refreshes the customer's search words.

use serde_json::{json, Value};

use super::events::{self, NewEvent};
pub use super::repo::Repo;
use super::{customers, now, transaction, DbConnection};
use crate::core::changes::{diff, merge_patch};
use crate::core::ids::{self, TypedId};
use crate::core::{Fields, InputContext};
use crate::error::AppError;

/// The record or 404.
pub fn get<R: Repo>(conn: &mut DbConnection, id: &R::Id) -> Result<R::View, AppError> {
    R::find(conn, id)?.ok_or(not_found::<R>())
}

/// The record by an id still carried as text (a JSON list, a row not typed
/// yet); text that is not an id is as unknown as an id nobody has.
pub fn get_text<R: Repo>(conn: &mut DbConnection, id: &str) -> Result<R::View, AppError> {
    let id = R::Id::parse(id).ok_or(not_found::<R>())?;
    get::<R>(conn, &id)
}

fn not_found<R: Repo>() -> AppError {
    AppError::NotFound {
        entity: R::Fields::ENTITY,
    }
}

/// Creates a record from already normalised fields.
pub fn create<R: Repo>(
    conn: &mut DbConnection,
    actor: &str,
    fields: R::Fields,
) -> Result<R::View, AppError> {
    transaction(conn, |conn| {
        let id = R::Id::fresh();
        R::insert(conn, &id, &fields, now())?;
        let view = get::<R>(conn, &id)?;
        let changes = diff(&json!({}), &serde_json::to_value(R::fields(&view))?, &[]);
        after_change::<R>(conn, actor, &view, &id, "created", Value::Object(changes))?;
        Ok(view)
    })
}

/// Applies an RFC 7386 merge patch: the merged fields pass the same rules as a create.
pub fn update<R: Repo>(
    conn: &mut DbConnection,
    actor: &str,
    id: &R::Id,
    patch: &Value,
    ctx: &InputContext,
) -> Result<R::View, AppError> {
    if !patch.is_object() {
        return Err(AppError::BadRequest {
            field: None,
            message: "the body must be a JSON object of the fields to change".into(),
        });
    }
    transaction(conn, |conn| {
        let before = get::<R>(conn, id)?;
        let before_fields = serde_json::to_value(R::fields(&before))?;
        for key in R::Fields::IMMUTABLE {
            if let Some(new) = patch.get(*key) {
                if Some(new) != before_fields.get(*key) {
                    return Err(AppError::invalid(*key, "cannot be changed"));
                }
            }
        }
        let mut merged = before_fields.clone();
        merge_patch(&mut merged, patch);
        let fields: R::Fields = crate::error::from_json(merged)?;
        let fields = fields.normalise(ctx)?;
        let after_fields = serde_json::to_value(&fields)?;
        let changes = diff(&before_fields, &after_fields, &[]);
        if changes.is_empty() {
            return Ok(before);
        }
        R::update(conn, id, &fields, now())?;
        let view = get::<R>(conn, id)?;
        after_change::<R>(conn, actor, &view, id, "updated", Value::Object(changes))?;
        Ok(view)
    })
}

/// Archives (hides from lists) or restores a record; history stays either way.
pub fn set_archived<R: Repo>(
    conn: &mut DbConnection,
    actor: &str,
    id: &R::Id,
    archive: bool,
) -> Result<R::View, AppError> {
    transaction(conn, |conn| {
        let before = get::<R>(conn, id)?;
        if R::is_archived(&before) == archive {
            return Ok(before);
        }
        let at = now();
        R::set_archived(conn, id, archive.then_some(at), at)?;
        let view = get::<R>(conn, id)?;
        let action = if archive { "archived" } else { "restored" };
        after_change::<R>(conn, actor, &view, id, action, json!({}))?;
        Ok(view)
    })
}

fn after_change<R: Repo>(
    conn: &mut DbConnection,
    actor: &str,
    view: &R::View,
    id: &str,
    action: &str,
    changes: Value,
) -> Result<(), AppError> {
    let customer_id = R::customer_id(view);
    customers::refresh_search(conn, &ids::typed(customer_id, "customer_id")?)?;
    events::record(
        conn,
        NewEvent {
            actor_id: Some(actor),
            customer_id: Some(customer_id),
            entity_type: R::Fields::ENTITY,
            entity_id: id,
            action,
            changes,
        },
    )
}
