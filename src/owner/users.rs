//! `/users`: the owner creates accounts, changes roles, deactivates.

use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::api::auth::handlers::revoke_sessions_and_save;
use crate::api::auth::password::check_new_password;
use crate::api::auth::Owner;
use crate::api::error::ErrorBody;
use crate::api::extract::{Json, Query};
use crate::api::state::AppState;
use crate::core::contact_info::Email;
use crate::core::ids;
use crate::core::role::{normalise_roles, Role};
use crate::core::text;
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::page::{Page, PageQuery};
use crate::store::users::{self, roles_text, User, UserRow};
use crate::store::{transaction, DbConnection};

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

/// Creates an account; the owner's CLI `user add` and this route share it.
pub fn create_user(
    conn: &mut DbConnection,
    state: &AppState,
    actor: Option<&str>,
    body: NewUser,
) -> Result<UserRow, AppError> {
    let email = Email::parse("email", &body.email)?;
    let name = text::required("name", &body.name, text::SHORT)?;
    let roles = normalise_roles("roles", &body.roles)?;
    check_new_password("password", &body.password)?;
    let hash = state.passwords.hash(&body.password)?;
    transaction(conn, |conn| {
        let row = users::insert(conn, &ids::new_id(), email.as_str(), &name, &hash, &roles)?;
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

/// List the users.
///
/// With their roles and whether they are active. Roles: owner.
#[utoipa::path(
    tag = "users",
    params(PageQuery),
    responses((status = 200, body = Page<User>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    _caller: Owner,
    page: Query<PageQuery>,
) -> Result<web::Json<Page<User>>, AppError> {
    let page = page.into_inner()?.check()?;
    Ok(web::Json(state.db(move |c| users::list(c, &page)).await?))
}

/// Add a user.
///
/// With roles and a first password. Roles: owner.
#[utoipa::path(
    tag = "users",
    request_body = NewUser,
    responses(
        (status = 201, body = User),
        (status = 409, description = "the e-mail is taken", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/users")]
pub async fn add_user(
    state: web::Data<AppState>,
    caller: Owner,
    body: Json<NewUser>,
) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    let row = state
        .db(move |c| create_user(c, &st, Some(&caller.user_id), body.into_inner()?))
        .await?;
    Ok(HttpResponse::Created().json(row.into_view()?))
}

fn find_user(conn: &mut DbConnection, id: &str) -> Result<UserRow, AppError> {
    let id = ids::parse_id(id).ok_or(AppError::NotFound { entity: "user" })?;
    users::find(conn, &id)?.ok_or(AppError::NotFound { entity: "user" })
}

/// Read a user.
///
/// 404 when there is no such user. Roles: owner.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    _caller: Owner,
    id: web::Path<String>,
) -> Result<web::Json<User>, AppError> {
    let row = state.db(move |c| find_user(c, &id)).await?;
    Ok(web::Json(row.into_view()?))
}

/// Change a user's name, roles or active state.
///
/// Deactivating signs the user out everywhere; the last active owner cannot be removed. Roles: owner.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path)),
    request_body = UserChanges,
    responses(
        (status = 200, body = User),
        (status = 409, description = "the last active owner cannot be removed", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Owner,
    id: web::Path<String>,
    body: Json<UserChanges>,
) -> Result<web::Json<User>, AppError> {
    let changes = body.into_inner()?;
    let name = changes
        .name
        .as_deref()
        .map(|n| text::required("name", n, text::SHORT))
        .transpose()?;
    let roles = changes
        .roles
        .as_deref()
        .map(|r| normalise_roles("roles", r))
        .transpose()?;
    let password_hash = match changes.password.as_deref() {
        Some(p) => {
            check_new_password("password", p)?;
            Some(state.passwords.hash(p)?)
        }
        None => None,
    };
    let row = state
        .db(move |conn| {
            transaction(conn, |conn| {
                let mut user = find_user(conn, &id)?;
                let was_owner = user.active && user.roles()?.contains(&Role::Owner);
                let mut revoke = false;
                if let Some(name) = name {
                    user.name = name;
                }
                if let Some(roles) = &roles {
                    user.roles = roles_text(roles);
                }
                if let Some(active) = changes.active {
                    revoke |= user.active && !active;
                    user.active = active;
                }
                if let Some(hash) = password_hash {
                    user.password_hash = hash;
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
                        actor_id: Some(&caller.user_id),
                        customer_id: None,
                        entity_type: "user",
                        entity_id: &user.id,
                        action: "updated",
                        changes: json!({
                            "name": user.name,
                            "roles": user.roles()?,
                            "active": user.active,
                            "password_reset": changes.password.is_some(),
                        }),
                    },
                )?;
                Ok(user)
            })
        })
        .await?;
    Ok(web::Json(row.into_view()?))
}
