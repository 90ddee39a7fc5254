//! Sites table: rows, the repository and the list.

use crate::core::ids::CustomerId;
use crate::core::ids::SiteId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::page::{search_pattern, Page, PageRequest};
use super::repo::Repo;
use super::schema::sites;
use super::{customers, utc, DbConnection};
use crate::core::site::{Site, SiteFields};
use crate::core::text::search_key;
use crate::error::AppError;
use crate::store::page::keyset_page;

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sites, treat_none_as_null = true)]
struct SiteRow {
    id: SiteId,
    customer_id: String,
    label: Option<String>,
    address_line1: String,
    address_line2: Option<String>,
    city: String,
    postal_code: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    access_notes: Option<String>,
    search_text: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    archived_at: Option<NaiveDateTime>,
}

impl SiteRow {
    fn new(id: &SiteId, f: &SiteFields, at: NaiveDateTime) -> Self {
        let words = f.search_words();
        SiteRow {
            id: id.clone(),
            customer_id: f.customer_id.clone(),
            label: f.label.clone(),
            address_line1: f.address_line1.clone(),
            address_line2: f.address_line2.clone(),
            city: f.city.clone(),
            postal_code: f.postal_code.clone(),
            latitude: f.latitude,
            longitude: f.longitude,
            access_notes: f.access_notes.clone(),
            search_text: search_key(words.iter().map(String::as_str)),
            created_at: at,
            updated_at: at,
            archived_at: None,
        }
    }

    fn fields(&self) -> SiteFields {
        SiteFields {
            customer_id: self.customer_id.clone(),
            label: self.label.clone(),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone(),
            city: self.city.clone(),
            postal_code: self.postal_code.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            access_notes: self.access_notes.clone(),
        }
    }

    fn into_view(self) -> Result<Site, AppError> {
        Ok(Site {
            fields: self.fields(),
            id: self.id,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            archived_at: self.archived_at.map(utc),
        })
    }
}

/// The sites repository.
pub struct Sites;

impl Repo for Sites {
    type Id = crate::core::ids::SiteId;
    type Fields = SiteFields;
    type View = Site;

    crate::store::repo::repo_common!(sites, SiteRow);

    fn insert(
        conn: &mut DbConnection,
        id: &Self::Id,
        f: &SiteFields,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        customers::ensure_active(conn, "customer_id", &f.customer_id)?;
        diesel::insert_into(sites::table)
            .values(SiteRow::new(id, f, at))
            .execute(conn)?;
        Ok(())
    }

    fn update(
        conn: &mut DbConnection,
        id: &Self::Id,
        f: &SiteFields,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        let mut row = SiteRow::new(id, f, at);
        (row.created_at, row.archived_at) = sites::table
            .find(id)
            .select((sites::created_at, sites::archived_at))
            .first(conn)?;
        diesel::update(sites::table.find(id.as_ref()))
            .set(&row)
            .execute(conn)?;
        Ok(())
    }

    fn customer_id(view: &Site) -> &str {
        &view.fields.customer_id
    }
}

/// The customer's sites that are not archived.
pub fn active_for_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<SiteFields>, AppError> {
    let rows: Vec<SiteRow> = sites::table
        .filter(sites::customer_id.eq(customer_id))
        .filter(sites::archived_at.is_null())
        .select(SiteRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(SiteRow::fields).collect())
}

/// The customer's sites that are not archived, with their ids, in creation order.
pub fn active_for_customer_with_ids(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<(SiteId, SiteFields)>, AppError> {
    let rows: Vec<SiteRow> = sites::table
        .filter(sites::customer_id.eq(customer_id))
        .filter(sites::archived_at.is_null())
        .order(sites::id.asc())
        .select(SiteRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(|r| (r.id.clone(), r.fields())).collect())
}

/// The customer that owns a site that is not archived, for records placed on it.
pub fn active_owner(
    conn: &mut DbConnection,
    field: &str,
    site_id: &str,
) -> Result<String, AppError> {
    let row: Option<(String, Option<NaiveDateTime>)> = sites::table
        .find(site_id)
        .select((sites::customer_id, sites::archived_at))
        .first(conn)
        .optional()?;
    match row {
        None => Err(AppError::invalid(field, "no such site")),
        Some((_, Some(_))) => Err(AppError::invalid(field, "the site is archived")),
        Some((customer_id, None)) => Ok(customer_id),
    }
}

/// Filters of the site list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteFilter {
    pub customer_id: Option<String>,
    /// Part of the city name, case-insensitive.
    pub city: Option<String>,
    /// Words of the address, label or postal code.
    pub q: Option<String>,
    /// `true` lists only archived sites.
    pub archived: Option<bool>,
}

/// One page of sites matching the filter, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &SiteFilter,
    page: &PageRequest,
) -> Result<Page<Site>, AppError> {
    let mut query = sites::table.select(SiteRow::as_select()).into_boxed();
    query = crate::store::repo::archived_filter!(query, sites::archived_at, filter.archived);
    if let Some(c) = &filter.customer_id {
        query = query.filter(sites::customer_id.eq(c.to_lowercase()));
    }
    if let Some(city) = filter
        .city
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        query = query.filter(
            sites::search_text
                .like(super::page::contains_pattern(city))
                .escape('\\'),
        );
    }
    if let Some(pattern) = filter.q.as_deref().and_then(search_pattern) {
        query = query.filter(sites::search_text.like(pattern).escape('\\'));
    }
    let rows: Vec<SiteRow> = keyset_page!(query, sites::id, page).load(conn)?;
    Page::from_rows(rows, page, |r| &r.id).try_map(SiteRow::into_view)
}

/// Ids of the customer's sites that are not archived.
pub fn active_ids_for_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<String>, AppError> {
    Ok(sites::table
        .filter(sites::customer_id.eq(customer_id))
        .filter(sites::archived_at.is_null())
        .select(sites::id)
        .load(conn)?)
}

/// A site's address as a customer reads it: "Khreshchatyk 1, apt 5, Kyiv".
pub fn address(conn: &mut DbConnection, id: &SiteId) -> Result<Option<String>, AppError> {
    let row: Option<(String, Option<String>, String)> = sites::table
        .find(id.as_str())
        .select((sites::address_line1, sites::address_line2, sites::city))
        .first(conn)
        .optional()?;
    Ok(
        row.map(|(line1, line2, city)| {
            crate::core::site::one_line(&line1, line2.as_deref(), &city)
        }),
    )
}
