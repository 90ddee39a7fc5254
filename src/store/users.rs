//! Staff accounts: who may log in, with which roles.

use crate::core::ids::UserId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::page::{Page, PageRequest};
use super::schema::users;
use super::{decoded, json_list, now, to_json_list, utc, DbConnection};
use crate::core::role::Role;
use crate::error::AppError;
use crate::store::page::keyset_page;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub roles: String,
    pub active: bool,
    /// Raised on password change and deactivation: tokens carrying an older one are refused.
    pub token_version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl UserRow {
    /// The roles this user holds.
    /// An unknown stored role is an error, never dropped or defaulted.
    pub fn roles(&self) -> Result<Vec<Role>, AppError> {
        json_list(&self.roles, "roles", &self.id)?
            .iter()
            .map(|r| decoded(Role::parse(r), "role", &self.id, r))
            .collect()
    }

    /// The account as the API shows it.
    pub fn into_view(self) -> Result<User, AppError> {
        Ok(User {
            roles: self.roles()?,
            id: self.id.to_string(),
            email: self.email,
            name: self.name,
            active: self.active,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// A staff account as the API shows it (never with its password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The text stored for a set of roles.
pub fn roles_text(roles: &[Role]) -> String {
    to_json_list(roles.iter().map(|r| r.as_str()))
}

/// A new account; the e-mail must be free.
pub fn insert(
    conn: &mut DbConnection,
    id: &UserId,
    email: &str,
    name: &str,
    password_hash: &str,
    roles: &[Role],
) -> Result<UserRow, AppError> {
    let at = now();
    let row = UserRow {
        id: id.clone(),
        email: email.to_owned(),
        name: name.to_owned(),
        password_hash: password_hash.to_owned(),
        roles: roles_text(roles),
        active: true,
        token_version: 0,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict { .. } => {
                AppError::conflict("email_taken", "a user with this e-mail already exists")
            }
            other => other,
        })?;
    Ok(row)
}

pub fn find(conn: &mut DbConnection, id: &UserId) -> Result<Option<UserRow>, AppError> {
    Ok(users::table
        .find(id.as_str())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, AppError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Saves name, roles, active flag, password hash and token version of an account.
/// Active staff by lower-cased e-mail: how another system's records name them.
pub fn emails(
    conn: &mut DbConnection,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(users::table
        .filter(users::active.eq(true))
        .select((users::email, users::id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(email, id)| (email.to_lowercase(), id))
        .collect())
}

/// Saves an account; `row.updated_at` becomes the moment saved, so what is
/// answered after a change is what was stored.
pub fn save(conn: &mut DbConnection, row: &mut UserRow) -> Result<(), AppError> {
    row.updated_at = now();
    diesel::update(users::table.find(&row.id))
        .set((
            users::name.eq(&row.name),
            users::roles.eq(&row.roles),
            users::active.eq(row.active),
            users::password_hash.eq(&row.password_hash),
            users::token_version.eq(row.token_version),
            users::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// One page of accounts, newest first.
pub fn list(conn: &mut DbConnection, page: &PageRequest) -> Result<Page<User>, AppError> {
    let query = users::table.select(UserRow::as_select()).into_boxed();
    let rows: Vec<UserRow> = keyset_page!(query, users::id, page).load(conn)?;
    Page::from_rows(rows, page, |r| &r.id).try_map(UserRow::into_view)
}

/// How many accounts exist; the demo loads only into an empty database.
pub fn count(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(users::table.count().get_result(conn)?)
}

/// How many active accounts hold the owner role; the last one may not be removed.
/// The longest-standing active owner: whom a command-line import is recorded under.
pub fn first_owner(conn: &mut DbConnection) -> Result<Option<UserRow>, AppError> {
    let rows: Vec<UserRow> = users::table
        .filter(users::active.eq(true))
        .order(users::created_at)
        .select(UserRow::as_select())
        .load(conn)?;
    for u in rows {
        if u.roles()?.contains(&Role::Owner) {
            return Ok(Some(u));
        }
    }
    Ok(None)
}

pub fn count_active_owners(conn: &mut DbConnection) -> Result<usize, AppError> {
    let roles: Vec<String> = users::table
        .filter(users::active.eq(true))
        .select(users::roles)
        .load(conn)?;
    let mut owners = 0;
    for r in &roles {
        owners += usize::from(
            json_list(r, "roles", "an active user")?
                .iter()
                .any(|x| x == Role::Owner.as_str()),
        );
    }
    Ok(owners)
}
