//! Staff accounts: created by the owner (or `orderly user add`), changed,
//! deactivated; the company always keeps one active owner.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::passwords::{check_new_password, Passwords};
use crate::core::contact_info::Email;
use crate::core::ids::{self, UserId};
use crate::core::role::{normalise_roles, Role};
use crate::core::text;
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::users::{self, roles_text, UserRow};
use crate::store::{tokens, transaction, DbConnection};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// 10 to 128 characters; the user may change it after the first login.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChanges {
    pub name: Option<String>,
    pub roles: Option<Vec<Role>>,
    /// `false` deactivates: the user's tokens stop working at once.
    pub active: Option<bool>,
    /// Sets a new password; the user's tokens stop working.
    pub password: Option<String>,
}

/// Changes checked and the new password hashed, ready for one transaction
/// (hashing is slow, so it is done before the connection is taken).
pub struct CheckedChanges {
    name: Option<String>,
    roles: Option<Vec<Role>>,
    active: Option<bool>,
    password_hash: Option<String>,
}

impl UserChanges {
    /// Checks every field and hashes the password; a bad field is named.
    pub fn check(self, passwords: &Passwords) -> Result<CheckedChanges, AppError> {
        let name = self
            .name
            .as_deref()
            .map(|n| text::required("name", n, text::SHORT))
            .transpose()?;
        let roles = self
            .roles
            .as_deref()
            .map(|r| normalise_roles("roles", r))
            .transpose()?;
        let password_hash = match self.password.as_deref() {
            Some(p) => {
                check_new_password("password", p)?;
                Some(passwords.hash(p)?)
            }
            None => None,
        };
        Ok(CheckedChanges {
            name,
            roles,
            active: self.active,
            password_hash,
        })
    }
}

/// Creates an account; the owner's route and the CLI's `user add` share it.
pub fn create_user(
    conn: &mut DbConnection,
    passwords: &Passwords,
    actor: Option<&str>,
    body: NewUser,
) -> Result<UserRow, AppError> {
    let email = Email::parse("email", &body.email)?;
    let name = text::required("name", &body.name, text::SHORT)?;
    let roles = normalise_roles("roles", &body.roles)?;
    check_new_password("password", &body.password)?;
    let hash = passwords.hash(&body.password)?;
    transaction(conn, |conn| {
        let row = users::insert(
            conn,
            &ids::UserId::new(),
            email.as_str(),
            &name,
            &hash,
            &roles,
        )?;
        events::record(
            conn,
            NewEvent {
                actor_id: actor,
                customer_id: None,
                entity_type: "user",
                entity_id: &row.id,
                action: "created",
                changes: json!({"email": row.email, "name": row.name, "roles": roles}),
            },
        )?;
        Ok(row)
    })
}

/// The account, or 404.
pub fn find_user(conn: &mut DbConnection, id: &UserId) -> Result<UserRow, AppError> {
    users::find(conn, id)?.ok_or(AppError::NotFound { entity: "user" })
}

/// Applies checked changes: deactivating or a new password signs the user out
/// everywhere; removing the last active owner is refused (409 `last_owner`).
pub fn update_user(
    conn: &mut DbConnection,
    actor: &str,
    id: &UserId,
    changes: CheckedChanges,
) -> Result<UserRow, AppError> {
    transaction(conn, |conn| {
        let mut user = find_user(conn, id)?;
        let was_owner = user.active && user.roles()?.contains(&Role::Owner);
        let mut revoke = false;
        if let Some(name) = &changes.name {
            user.name = name.clone();
        }
        if let Some(roles) = &changes.roles {
            user.roles = roles_text(roles);
        }
        if let Some(active) = changes.active {
            revoke |= user.active && !active;
            user.active = active;
        }
        if let Some(hash) = &changes.password_hash {
            user.password_hash = hash.clone();
            revoke = true;
        }
        let still_owner = user.active && user.roles()?.contains(&Role::Owner);
        if was_owner && !still_owner && users::count_active_owners(conn)? <= 1 {
            return Err(AppError::conflict(
                "last_owner",
                "the company needs at least one active owner",
            ));
        }
        if revoke {
            revoke_sessions_and_save(conn, &mut user)?;
        } else {
            users::save(conn, &mut user)?;
        }
        events::record(
            conn,
            NewEvent {
                actor_id: Some(actor),
                customer_id: None,
                entity_type: "user",
                entity_id: &user.id,
                action: "updated",
                changes: json!({
                    "name": user.name,
                    "roles": user.roles()?,
                    "active": user.active,
                    "password_reset": changes.password_hash.is_some(),
                }),
            },
        )?;
        Ok(user)
    })
}

/// Saves the account with every token it holds made worthless.
pub fn revoke_sessions_and_save(
    conn: &mut DbConnection,
    user: &mut UserRow,
) -> Result<(), AppError> {
    user.token_version += 1;
    users::save(conn, user)?;
    tokens::revoke_all(conn, &user.id)
}
