//! The parts catalogue: added and changed by the owner or an administrator,
//! read by the office. A SKU or a barcode names one part only.

use crate::core::ids::PartId;
use crate::core::part::{Part, PartFields};
use crate::core::work_order::ScopeLine;
use crate::core::ValidationError;
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
pub(crate) fn unclaimed(
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
                Some(_) => Err(ValidationError::new(field, "is an archived part").into()),
                None => Err(ValidationError::new(field, "is not a part of the catalogue").into()),
            }
        })
        .collect()
}

/// Scope lines with their parts checked and priced: a line that names a part
/// must name one of the catalogue (active, unless `archived_ok`: a visit's
/// record of work keeps a part archived since), priced in the order's
/// currency; a line sent without a price takes the catalogue's. Lines without
/// a part pass as they came, for [`crate::core::work_order::check_scope`].
pub fn price_scope(
    conn: &mut DbConnection,
    field: &str,
    mut lines: Vec<ScopeLine>,
    currency: &str,
    archived_ok: bool,
) -> Result<Vec<ScopeLine>, AppError> {
    let ids: Vec<PartId> = lines.iter().filter_map(|l| l.part_id.clone()).collect();
    if ids.is_empty() {
        return Ok(lines);
    }
    let found = parts::of_ids(conn, &ids)?;
    for (i, line) in lines.iter_mut().enumerate() {
        let Some(id) = &line.part_id else { continue };
        let at = format!("{field}[{i}].part_id");
        let part = match found.iter().find(|p| &p.id == id) {
            Some(p) if p.active || archived_ok => p,
            Some(_) => return Err(ValidationError::new(at, "is an archived part").into()),
            None => return Err(ValidationError::new(at, "is not a part of the catalogue").into()),
        };
        if part.currency != currency {
            return Err(ValidationError::new(
                at,
                format!(
                    "is priced in {}, the order in {currency}: figures never add two currencies",
                    part.currency
                ),
            )
            .into());
        }
        if line.unpriced() {
            line.unit_price = part.price;
        }
    }
    Ok(lines)
}

/// The whole catalogue, archived parts too, as rows of the import's `parts`
/// file: money in major units, lists joined with `;`, other names as JSON,
/// each row's id as its `external_id` — so a catalogue exported here imports
/// into another Orderly (or back) unchanged.
pub fn catalogue_rows(conn: &mut DbConnection) -> Result<Vec<serde_json::Value>, AppError> {
    let filter = PartFilter {
        q: None,
        kind: None,
        archived: true,
    };
    let mut page = PageRequest {
        limit: 500,
        cursor: None,
    };
    let major = |minor: i64| format!("{}.{:02}", minor / 100, (minor % 100).abs());
    let mut out = vec![];
    loop {
        let rows = parts::list(conn, &filter, &page)?;
        for p in &rows.items {
            out.push(serde_json::json!({
                "external_id": p.id,
                "sku": p.sku,
                "name": p.name,
                "names": p.names,
                "unit": p.unit,
                "kind": p.kind.as_str(),
                "price": major(p.price),
                "cost": major(p.cost),
                "compatible": serde_json::from_str::<Vec<String>>(&p.compatible)
                    .map(|c| c.join(";"))
                    .unwrap_or_default(),
                "barcode": p.barcode,
                "active": p.active,
            }));
        }
        match rows.next_cursor {
            Some(next) => page.cursor = Some(next),
            None => break,
        }
    }
    Ok(out)
}
