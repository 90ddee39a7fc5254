//! The parts catalogue as stored: names in other languages and the equipment
//! a part fits kept as JSON text, a lower-case `search_text` for the search.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::page::{contains_pattern, keyset_page, Page, PageRequest};
use super::schema::parts;
use super::{utc, DbConnection};
use crate::core::ids::PartId;
use crate::core::part::{Part, PartFields, PartKind};
use crate::error::AppError;

/// A part as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = parts)]
pub struct PartRow {
    pub id: PartId,
    pub sku: String,
    pub name: String,
    pub names: String,
    pub unit: String,
    pub kind: PartKind,
    pub price: i64,
    pub cost: i64,
    pub currency: String,
    pub compatible: String,
    #[diesel(treat_none_as_null = true)]
    pub barcode: Option<String>,
    pub search_text: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl PartRow {
    /// The row for checked fields.
    pub fn new(
        id: PartId,
        fields: PartFields,
        currency: &str,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    ) -> PartRow {
        let mut search = vec![fields.sku.clone(), fields.name.clone()];
        search.extend(fields.names.values().cloned());
        search.extend(fields.barcode.clone());
        PartRow {
            id,
            search_text: search.join(" ").to_lowercase(),
            names: serde_json::to_string(&fields.names).unwrap_or_else(|_| "{}".into()),
            compatible: serde_json::to_string(&fields.compatible).unwrap_or_else(|_| "[]".into()),
            sku: fields.sku,
            name: fields.name,
            unit: fields.unit,
            kind: fields.kind,
            price: fields.price,
            cost: fields.cost,
            currency: currency.to_owned(),
            barcode: fields.barcode,
            active: fields.active,
            created_at,
            updated_at,
        }
    }

    /// The part as the API shows it.
    pub fn view(self) -> Result<Part, AppError> {
        let json = |what: &str, e: serde_json::Error| {
            AppError::internal(format!("stored {what} of part {} unreadable: {e}", self.id))
        };
        let names = serde_json::from_str(&self.names).map_err(|e| json("names", e))?;
        let compatible =
            serde_json::from_str(&self.compatible).map_err(|e| json("compatible", e))?;
        Ok(Part {
            fields: PartFields {
                sku: self.sku,
                name: self.name,
                names,
                unit: self.unit,
                kind: self.kind,
                price: self.price,
                cost: self.cost,
                compatible,
                barcode: self.barcode,
                active: self.active,
            },
            id: self.id,
            currency: self.currency,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &PartRow) -> Result<(), AppError> {
    diesel::insert_into(parts::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Writes every field of the part but its id and creation.
pub fn update(conn: &mut DbConnection, row: &PartRow) -> Result<(), AppError> {
    diesel::update(parts::table.find(row.id.as_str()))
        .set(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &PartId) -> Result<Option<PartRow>, AppError> {
    Ok(parts::table
        .find(id.as_str())
        .select(PartRow::as_select())
        .first(conn)
        .optional()?)
}

/// The parts of these ids (those that exist).
pub fn of_ids(conn: &mut DbConnection, ids: &[PartId]) -> Result<Vec<PartRow>, AppError> {
    let ids: Vec<&str> = ids.iter().map(|i| i.as_str()).collect();
    let mut rows = vec![];
    for chunk in ids.chunks(500) {
        rows.extend(
            parts::table
                .filter(parts::id.eq_any(chunk))
                .select(PartRow::as_select())
                .load(conn)?,
        );
    }
    Ok(rows)
}

/// The part with this SKU or barcode (a scanner's input).
pub fn by_code(conn: &mut DbConnection, code: &str) -> Result<Option<PartRow>, AppError> {
    Ok(parts::table
        .filter(
            parts::sku
                .eq(code.to_uppercase())
                .or(parts::barcode.eq(code)),
        )
        .select(PartRow::as_select())
        .first(conn)
        .optional()?)
}

/// What a catalogue list may be narrowed to.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartFilter {
    /// Part of a SKU, a name in any language or a barcode.
    pub q: Option<String>,
    pub kind: Option<PartKind>,
    /// Archived parts too.
    #[serde(default)]
    pub archived: bool,
}

/// A page of the catalogue, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &PartFilter,
    page: &PageRequest,
) -> Result<Page<PartRow>, AppError> {
    let mut query = parts::table.select(PartRow::as_select()).into_boxed();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        query = query.filter(parts::search_text.like(contains_pattern(q)).escape('\\'));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(parts::kind.eq(kind));
    }
    if !filter.archived {
        query = query.filter(parts::active.eq(true));
    }
    let rows = keyset_page!(query, parts::id, page).load(conn)?;
    Ok(Page::from_rows(rows, page, |r| r.id.as_str()))
}
