//! Customers table: rows, the repository and the searchable list.

use crate::core::ids::CustomerId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::page::{search_pattern, Page, PageRequest};
use super::repo::Repo;
use super::schema::customers;
use super::{json_list, to_json_list, utc, DbConnection};
use crate::core::contact::ContactFields;
use crate::core::customer::{Customer, CustomerFields, CustomerKind, Segment};
use crate::core::site::SiteFields;
use crate::core::text::search_key;
use crate::error::AppError;
use crate::store::page::keyset_page;

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: CustomerId,
    pub kind: CustomerKind,
    pub segment: Segment,
    pub name: String,
    pub legal_name: Option<String>,
    pub tax_id: Option<String>,
    pub legal_address: Option<String>,
    pub notes: Option<String>,
    pub tags: String,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

impl CustomerRow {
    fn into_view(self) -> Result<Customer, AppError> {
        Ok(Customer {
            fields: CustomerFields {
                kind: self.kind,
                segment: self.segment,
                name: self.name,
                legal_name: self.legal_name,
                tax_id: self.tax_id,
                legal_address: self.legal_address,
                notes: self.notes,
                tags: json_list(&self.tags, "tags", &self.id)?,
            },
            id: self.id,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            archived_at: self.archived_at.map(utc),
        })
    }
}

/// The customers repository.
pub struct Customers;

impl Repo for Customers {
    type Id = crate::core::ids::CustomerId;
    type Fields = CustomerFields;
    type View = Customer;

    crate::store::repo::repo_common!(customers, CustomerRow);

    fn insert(
        conn: &mut DbConnection,
        id: &Self::Id,
        f: &CustomerFields,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        diesel::insert_into(customers::table)
            .values(CustomerRow {
                id: id.clone(),
                kind: f.kind,
                segment: f.segment,
                name: f.name.clone(),
                legal_name: f.legal_name.clone(),
                tax_id: f.tax_id.clone(),
                legal_address: f.legal_address.clone(),
                notes: f.notes.clone(),
                tags: to_json_list(&f.tags),
                search_text: search_key(f.search_words()),
                created_at: at,
                updated_at: at,
                archived_at: None,
            })
            .execute(conn)?;
        Ok(())
    }

    fn update(
        conn: &mut DbConnection,
        id: &Self::Id,
        f: &CustomerFields,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        diesel::update(customers::table.find(id.as_ref()))
            .set((
                customers::kind.eq(f.kind.as_str()),
                customers::segment.eq(f.segment.as_str()),
                customers::name.eq(&f.name),
                customers::legal_name.eq(&f.legal_name),
                customers::tax_id.eq(&f.tax_id),
                customers::legal_address.eq(&f.legal_address),
                customers::notes.eq(&f.notes),
                customers::tags.eq(to_json_list(&f.tags)),
                customers::updated_at.eq(at),
            ))
            .execute(conn)?;
        Ok(())
    }

    fn customer_id(view: &Customer) -> &str {
        &view.id
    }
}

/// Checks that a customer exists and is not archived, for records that refer to it.
pub fn ensure_active(conn: &mut DbConnection, field: &str, id: &str) -> Result<(), AppError> {
    let archived: Option<Option<NaiveDateTime>> = customers::table
        .find(id)
        .select(customers::archived_at)
        .first(conn)
        .optional()?;
    match archived {
        None => Err(AppError::invalid(field, "no such customer")),
        Some(Some(_)) => Err(AppError::invalid(field, "the customer is archived")),
        Some(None) => Ok(()),
    }
}

/// Recomputes the words a customer is found by: its own, its contacts' and its sites'.
///
/// So a manager finds a customer by a phone number or a street, not just by name.
pub fn refresh_search(conn: &mut DbConnection, customer_id: &CustomerId) -> Result<(), AppError> {
    let Some(customer) = Customers::find(conn, customer_id)? else {
        return Ok(());
    };
    let contact_rows = super::contacts::active_for_customer(conn, customer_id)?;
    let site_rows = super::sites::active_for_customer(conn, customer_id)?;
    let mut words: Vec<String> = customer
        .fields
        .search_words()
        .into_iter()
        .map(str::to_owned)
        .collect();
    words.extend(contact_rows.iter().flat_map(ContactFields::search_words));
    words.extend(site_rows.iter().flat_map(SiteFields::search_words));
    diesel::update(customers::table.find(customer_id))
        .set(customers::search_text.eq(search_key(words.iter().map(String::as_str))))
        .execute(conn)?;
    Ok(())
}

/// Filters of the customer list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerFilter {
    /// Words of the name, legal name, tax id, tags, a contact's name, phone or e-mail, or an address.
    pub q: Option<String>,
    pub kind: Option<CustomerKind>,
    pub segment: Option<Segment>,
    /// Only customers with this tag.
    pub tag: Option<String>,
    /// `true` lists only archived customers; by default they are hidden.
    pub archived: Option<bool>,
}

/// One page of customers matching the filter, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    page: &PageRequest,
) -> Result<Page<Customer>, AppError> {
    let mut query = customers::table
        .select(CustomerRow::as_select())
        .into_boxed();
    query = crate::store::repo::archived_filter!(query, customers::archived_at, filter.archived);
    if let Some(pattern) = filter.q.as_deref().and_then(search_pattern) {
        query = query.filter(customers::search_text.like(pattern).escape('\\'));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(customers::kind.eq(kind.as_str()));
    }
    if let Some(segment) = filter.segment {
        query = query.filter(customers::segment.eq(segment.as_str()));
    }
    if let Some(tag) = filter.tag.as_deref() {
        let tag = serde_json::to_string(&tag.trim().to_lowercase())?;
        query = query.filter(
            customers::tags
                .like(super::page::contains_pattern(&tag))
                .escape('\\'),
        );
    }
    let rows: Vec<CustomerRow> = keyset_page!(query, customers::id, page).load(conn)?;
    Page::from_rows(rows, page, |r| &r.id).try_map(CustomerRow::into_view)
}

/// The names of some customers, by id: for messages and lists.
pub fn names(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let rows: Vec<(String, String)> = customers::table
        .filter(customers::id.eq_any(ids))
        .select((customers::id, customers::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
