//! The parts catalogue: added and changed by the owner or an administrator,
//! read by the office. A SKU or a barcode names one part only.

use crate::core::ids::PartId;
use crate::core::part::{Part, PartFields};
use crate::error::AppError;
use crate::store::page::{Page, PageRequest};
use crate::store::parts::{self, PartFilter, PartRow};
use crate::store::{now, transaction, DbConnection};

use super::Actor;

fn not_found() -> AppError {
    AppError::NotFound { entity: "part" }
}

/// Refuses a SKU or a barcode another part has (a clear 409 before the
/// unique index would say it less clearly).
fn unclaimed(
    conn: &mut DbConnection,
    fields: &PartFields,
    own: Option<&PartId>,
) -> Result<(), AppError> {
    let codes = std::iter::once(fields.sku.as_str()).chain(fields.barcode.as_deref());
    for code in codes {
        if let Some(other) = parts::by_code(conn, code)? {
            if Some(&other.id) != own {
                return Err(AppError::conflict(
                    "code_taken",
                    format!(
                        "part {} ({}) already has the code {code}",
                        other.sku, other.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Adds a part to the catalogue, priced in the company's currency.
pub fn add(conn: &mut DbConnection, actor: &Actor, fields: PartFields) -> Result<Part, AppError> {
    let fields = fields.normalise()?;
    transaction(conn, |conn| {
        unclaimed(conn, &fields, None)?;
        let at = now();
        let row = PartRow::new(PartId::new(), fields, &actor.currency, at, at);
        parts::insert(conn, &row)?;
        row.view()
    })
}

/// Replaces a part's fields; its id, ledger and past orders stay.
pub fn change(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &PartId,
    fields: PartFields,
) -> Result<Part, AppError> {
    let fields = fields.normalise()?;
    transaction(conn, |conn| {
        let old = parts::find(conn, id)?.ok_or_else(not_found)?;
        unclaimed(conn, &fields, Some(id))?;
        let row = PartRow::new(id.clone(), fields, &actor.currency, old.created_at, now());
        parts::update(conn, &row)?;
        row.view()
    })
}

/// One part.
pub fn get(conn: &mut DbConnection, id: &PartId) -> Result<Part, AppError> {
    parts::find(conn, id)?.ok_or_else(not_found)?.view()
}

/// A page of the catalogue.
pub fn list(
    conn: &mut DbConnection,
    filter: &PartFilter,
    page: &PageRequest,
) -> Result<Page<Part>, AppError> {
    parts::list(conn, filter, page)?.try_map(PartRow::view)
}

/// The parts a request names, each existing and active, in the request's
/// order; an unknown or archived one is a 422 naming its line.
pub fn named(conn: &mut DbConnection, ids: &[PartId]) -> Result<Vec<PartRow>, AppError> {
    let found = parts::of_ids(conn, ids)?;
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let field = format!("lines[{i}].part_id");
            match found.iter().find(|p| &p.id == id) {
                Some(p) if p.active => Ok(p.clone()),
                Some(_) => {
                    Err(crate::core::ValidationError::new(field, "is an archived part").into())
                }
                None => Err(crate::core::ValidationError::new(
                    field,
                    "is not a part of the catalogue",
                )
                .into()),
            }
        })
        .collect()
}
