//! `/users`: the owner creates accounts, changes roles, deactivates.

use crate::core::ids::UserId;
use actix_web::{get, patch, post, web, HttpResponse};

use crate::api::auth::Owner;
use crate::api::error::ErrorBody;
use crate::api::extract::{Id, Json, Query};
use crate::api::state::AppState;
use crate::error::AppError;
use crate::flow::users::{self as accounts, NewUser, UserChanges};
use crate::store::page::{Page, PageQuery};
use crate::store::users::{self, User};

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
    let passwords = state.passwords.clone();
    let row = state
        .db(move |c| {
            accounts::create_user(c, &passwords, Some(&caller.user_id), body.into_inner()?)
        })
        .await?;
    Ok(HttpResponse::Created().json(row.into_view()?))
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
    id: Id<UserId>,
) -> Result<web::Json<User>, AppError> {
    let row = state.db(move |c| accounts::find_user(c, &id)).await?;
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
    id: Id<UserId>,
    body: Json<UserChanges>,
) -> Result<web::Json<User>, AppError> {
    let changes = body.into_inner()?.check(&state.passwords)?;
    let row = state
        .db(move |c| accounts::update_user(c, &caller.user_id, &id, changes))
        .await?;
    Ok(web::Json(row.into_view()?))
}
