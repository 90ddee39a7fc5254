//! Equipment table: rows, the repository and the list.

use crate::core::ids::{CustomerId, EquipmentId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::page::{search_pattern, Page, PageRequest};
use super::repo::Repo;
use super::schema::equipment;
use super::{sites, utc, DbConnection};
use crate::core::equipment::{Equipment, EquipmentFields, EquipmentStatus};
use crate::core::text::search_key;
use crate::error::AppError;
use crate::store::page::keyset_page;

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = equipment, treat_none_as_null = true)]
struct EquipmentRow {
    id: EquipmentId,
    customer_id: String,
    site_id: String,
    kind: String,
    model: Option<String>,
    serial_number: Option<String>,
    installed_on: Option<NaiveDate>,
    status: EquipmentStatus,
    notes: Option<String>,
    search_text: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    archived_at: Option<NaiveDateTime>,
}

impl EquipmentRow {
    fn new(id: &EquipmentId, customer_id: String, f: &EquipmentFields, at: NaiveDateTime) -> Self {
        let words = [
            Some(f.kind.as_str()),
            f.model.as_deref(),
            f.serial_number.as_deref(),
        ];
        EquipmentRow {
            id: id.clone(),
            customer_id,
            site_id: f.site_id.clone(),
            kind: f.kind.clone(),
            model: f.model.clone(),
            serial_number: f.serial_number.clone(),
            installed_on: f.installed_on,
            status: f.status,
            notes: f.notes.clone(),
            search_text: search_key(words.into_iter().flatten()),
            created_at: at,
            updated_at: at,
            archived_at: None,
        }
    }

    fn into_view(self) -> Result<Equipment, AppError> {
        Ok(Equipment {
            fields: EquipmentFields {
                site_id: self.site_id,
                kind: self.kind,
                model: self.model,
                serial_number: self.serial_number,
                installed_on: self.installed_on,
                status: self.status,
                notes: self.notes,
            },
            id: self.id,
            customer_id: self.customer_id,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            archived_at: self.archived_at.map(utc),
        })
    }
}

/// The equipment repository.
pub struct EquipmentRepo;

impl Repo for EquipmentRepo {
    type Id = crate::core::ids::EquipmentId;
    type Fields = EquipmentFields;
    type View = Equipment;

    crate::store::repo::repo_common!(equipment, EquipmentRow);

    fn insert(
        conn: &mut DbConnection,
        id: &Self::Id,
        f: &EquipmentFields,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        let customer_id = sites::active_owner(conn, "site_id", &f.site_id)?;
        diesel::insert_into(equipment::table)
            .values(EquipmentRow::new(id, customer_id, f, at))
            .execute(conn)?;
        Ok(())
    }

    /// Equipment may move between the sites of its customer, never to another customer.
    fn update(
        conn: &mut DbConnection,
        id: &Self::Id,
        f: &EquipmentFields,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        let (customer_id, created_at, archived_at): (String, NaiveDateTime, Option<NaiveDateTime>) =
            equipment::table
                .find(id)
                .select((
                    equipment::customer_id,
                    equipment::created_at,
                    equipment::archived_at,
                ))
                .first(conn)?;
        if sites::active_owner(conn, "site_id", &f.site_id)? != customer_id {
            return Err(AppError::invalid(
                "site_id",
                "the site belongs to another customer",
            ));
        }
        let mut row = EquipmentRow::new(id, customer_id, f, at);
        row.created_at = created_at;
        row.archived_at = archived_at;
        diesel::update(equipment::table.find(id.as_ref()))
            .set(&row)
            .execute(conn)?;
        Ok(())
    }

    fn customer_id(view: &Equipment) -> &str {
        &view.customer_id
    }
}

/// Filters of the equipment list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EquipmentFilter {
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub status: Option<EquipmentStatus>,
    /// Words of the kind, model or serial number.
    pub q: Option<String>,
    /// `true` lists only archived equipment.
    pub archived: Option<bool>,
}

/// One page of equipment matching the filter, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &EquipmentFilter,
    page: &PageRequest,
) -> Result<Page<Equipment>, AppError> {
    let mut query = equipment::table
        .select(EquipmentRow::as_select())
        .into_boxed();
    query = crate::store::repo::archived_filter!(query, equipment::archived_at, filter.archived);
    if let Some(c) = &filter.customer_id {
        query = query.filter(equipment::customer_id.eq(c.to_lowercase()));
    }
    if let Some(s) = &filter.site_id {
        query = query.filter(equipment::site_id.eq(s.to_lowercase()));
    }
    if let Some(status) = filter.status {
        query = query.filter(equipment::status.eq(status.as_str()));
    }
    if let Some(pattern) = filter.q.as_deref().and_then(search_pattern) {
        query = query.filter(equipment::search_text.like(pattern).escape('\\'));
    }
    let rows: Vec<EquipmentRow> = keyset_page!(query, equipment::id, page).load(conn)?;
    Page::from_rows(rows, page, |r| &r.id).try_map(EquipmentRow::into_view)
}

/// How a customer names each piece of equipment: "water filter (Aquaphor Osmo 50)".
pub fn labels(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let rows: Vec<(String, String, Option<String>)> = equipment::table
        .filter(equipment::id.eq_any(ids))
        .select((equipment::id, equipment::kind, equipment::model))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, model)| {
            let label = match model {
                Some(m) => format!("{kind} ({m})"),
                None => kind,
            };
            (id, label)
        })
        .collect())
}

/// The pieces of equipment with these ids (any not found are left out).
pub fn many(conn: &mut DbConnection, ids: &[EquipmentId]) -> Result<Vec<Equipment>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<EquipmentRow> = equipment::table
            .filter(equipment::id.eq_any(chunk.iter().map(|i| i.as_str())))
            .select(EquipmentRow::as_select())
            .load(conn)?;
        for row in rows {
            out.push(row.into_view()?);
        }
    }
    Ok(out)
}

/// A customer's equipment still on their sites (not archived, not removed),
/// in the order it was added.
pub fn in_place_of_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<Equipment>, AppError> {
    equipment::table
        .filter(equipment::customer_id.eq(customer_id.as_str()))
        .filter(equipment::archived_at.is_null())
        .filter(equipment::status.ne(EquipmentStatus::Removed.as_str()))
        .order(equipment::id)
        .select(EquipmentRow::as_select())
        .load::<EquipmentRow>(conn)?
        .into_iter()
        .map(EquipmentRow::into_view)
        .collect()
}

/// The ids of every piece of equipment a customer has had.
pub fn ids_of_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<String>, AppError> {
    Ok(equipment::table
        .filter(equipment::customer_id.eq(customer_id.as_str()))
        .select(equipment::id)
        .load(conn)?)
}
