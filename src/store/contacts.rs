//! Contacts table: rows, the repository and the list.

use crate::core::ids::ContactId;
use crate::core::ids::CustomerId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::page::{search_pattern, Page, PageRequest};
use super::repo::Repo;
use super::schema::{contacts, sites};
use super::{
    customers, decoded_json, decoded_optional, json_list, to_json_list, utc, DbConnection,
};
use crate::core::contact::{Channel, Contact, ContactFields, ContactRole};
use crate::core::notice::Locale;
use crate::core::text::search_key;
use crate::error::AppError;
use crate::store::page::keyset_page;

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = contacts, treat_none_as_null = true)]
struct ContactRow {
    id: ContactId,
    customer_id: String,
    site_id: Option<String>,
    name: String,
    phones: String,
    email: Option<String>,
    role: Option<String>,
    availability: Option<String>,
    preferred_channel: Option<String>,
    consent_service: bool,
    consent_marketing: bool,
    opted_out: String,
    locale: Option<String>,
    search_text: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    archived_at: Option<NaiveDateTime>,
}

impl ContactRow {
    fn new(
        id: &ContactId,
        f: &ContactFields,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    ) -> Self {
        let words = f.search_words();
        ContactRow {
            id: id.clone(),
            customer_id: f.customer_id.clone(),
            site_id: f.site_id.clone(),
            name: f.name.clone(),
            phones: to_json_list(&f.phones),
            email: f.email.clone(),
            role: f.role.map(|r| r.as_str().to_owned()),
            availability: f.availability.clone(),
            preferred_channel: f.preferred_channel.map(|c| c.as_str().to_owned()),
            consent_service: f.consent_service,
            consent_marketing: f.consent_marketing,
            opted_out: to_json_list(f.opted_out.iter().map(|c| c.as_str())),
            locale: f.locale.map(|l| l.as_str().to_owned()),
            search_text: search_key(words.iter().map(String::as_str)),
            created_at,
            updated_at,
            archived_at: None,
        }
    }

    fn fields(&self) -> Result<ContactFields, AppError> {
        let id = &self.id;
        Ok(ContactFields {
            customer_id: self.customer_id.clone(),
            site_id: self.site_id.clone(),
            name: self.name.clone(),
            phones: json_list(&self.phones, "phones", id)?,
            email: self.email.clone(),
            role: decoded_optional(self.role.as_deref(), ContactRole::parse, "role", id)?,
            availability: self.availability.clone(),
            preferred_channel: decoded_optional(
                self.preferred_channel.as_deref(),
                Channel::parse,
                "preferred channel",
                id,
            )?,
            consent_service: self.consent_service,
            consent_marketing: self.consent_marketing,
            opted_out: decoded_json(&self.opted_out, "opted out", id)?,
            locale: decoded_optional(self.locale.as_deref(), Locale::parse, "locale", id)?,
        })
    }

    fn into_view(self) -> Result<Contact, AppError> {
        Ok(Contact {
            fields: self.fields()?,
            id: self.id,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            archived_at: self.archived_at.map(utc),
        })
    }
}

/// A contact may be tied only to a site of its own customer.
fn check_site(conn: &mut DbConnection, f: &ContactFields) -> Result<(), AppError> {
    let Some(site_id) = &f.site_id else {
        return Ok(());
    };
    let owner: Option<String> = sites::table
        .find(site_id)
        .select(sites::customer_id)
        .first(conn)
        .optional()?;
    match owner {
        Some(c) if c == f.customer_id => Ok(()),
        Some(_) => Err(AppError::invalid(
            "site_id",
            "the site belongs to another customer",
        )),
        None => Err(AppError::invalid("site_id", "no such site")),
    }
}

/// The contacts repository.
pub struct Contacts;

impl Repo for Contacts {
    type Id = crate::core::ids::ContactId;
    type Fields = ContactFields;
    type View = Contact;

    crate::store::repo::repo_common!(contacts, ContactRow);

    fn insert(
        conn: &mut DbConnection,
        id: &Self::Id,
        f: &ContactFields,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        customers::ensure_active(conn, "customer_id", &f.customer_id)?;
        check_site(conn, f)?;
        diesel::insert_into(contacts::table)
            .values(ContactRow::new(id, f, at, at))
            .execute(conn)?;
        Ok(())
    }

    fn update(
        conn: &mut DbConnection,
        id: &Self::Id,
        f: &ContactFields,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        check_site(conn, f)?;
        let mut row = ContactRow::new(id, f, at, at);
        (row.created_at, row.archived_at) = contacts::table
            .find(id)
            .select((contacts::created_at, contacts::archived_at))
            .first(conn)?;
        diesel::update(contacts::table.find(id.as_ref()))
            .set(&row)
            .execute(conn)?;
        Ok(())
    }

    fn customer_id(view: &Contact) -> &str {
        &view.fields.customer_id
    }
}

/// The customer's contacts that are not archived, for search words and the card.
pub fn active_for_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<ContactFields>, AppError> {
    let rows: Vec<ContactRow> = contacts::table
        .filter(contacts::customer_id.eq(customer_id))
        .filter(contacts::archived_at.is_null())
        .select(ContactRow::as_select())
        .load(conn)?;
    rows.iter().map(ContactRow::fields).collect()
}

/// The active contacts of some customers, with their ids, oldest first: the
/// people a message may go to.
/// The customers' active contacts, by customer.
pub fn by_customer(
    conn: &mut DbConnection,
    customer_ids: &[String],
) -> Result<std::collections::HashMap<String, Vec<(String, ContactFields)>>, AppError> {
    let mut people: std::collections::HashMap<String, Vec<(String, ContactFields)>> =
        Default::default();
    for chunk in customer_ids.chunks(5000) {
        for (id, c) in active_of_customers(conn, chunk)? {
            people
                .entry(c.customer_id.clone())
                .or_default()
                .push((id, c));
        }
    }
    Ok(people)
}

pub fn active_of_customers(
    conn: &mut DbConnection,
    customer_ids: &[String],
) -> Result<Vec<(String, ContactFields)>, AppError> {
    let rows: Vec<ContactRow> = contacts::table
        .filter(contacts::customer_id.eq_any(customer_ids))
        .filter(contacts::archived_at.is_null())
        .order(contacts::id.asc())
        .select(ContactRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|r| Ok((r.id.to_string(), r.fields()?)))
        .collect()
}

/// Filters of the contact list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactFilter {
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    /// Words of the name or e-mail, or a phone number in any common form.
    pub q: Option<String>,
    /// `true` lists only archived contacts.
    pub archived: Option<bool>,
}

/// One page of contacts matching the filter, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &ContactFilter,
    page: &PageRequest,
) -> Result<Page<Contact>, AppError> {
    let mut query = contacts::table.select(ContactRow::as_select()).into_boxed();
    query = crate::store::repo::archived_filter!(query, contacts::archived_at, filter.archived);
    if let Some(c) = &filter.customer_id {
        query = query.filter(contacts::customer_id.eq(c.to_lowercase()));
    }
    if let Some(s) = &filter.site_id {
        query = query.filter(contacts::site_id.eq(s.to_lowercase()));
    }
    if let Some(pattern) = filter.q.as_deref().and_then(search_pattern) {
        query = query.filter(contacts::search_text.like(pattern).escape('\\'));
    }
    let rows: Vec<ContactRow> = keyset_page!(query, contacts::id, page).load(conn)?;
    Page::from_rows(rows, page, |r| &r.id).try_map(ContactRow::into_view)
}
