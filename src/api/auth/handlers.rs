//! `/auth/*`: log in, refresh, log out, change one's password, who am I.

use actix_web::{get, post, web, HttpMessage, HttpRequest, HttpResponse};
use chrono::Duration as ChronoDuration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::tokens::{hash_refresh_token, invalid_token, new_refresh_token};
use super::AnyStaff;
use crate::api::error::ErrorBody;
use crate::api::extract::Json;
use crate::api::state::AppState;
use crate::core::contact_info::Email;
use crate::core::ids;
use crate::error::AppError;
use crate::flow::passwords::check_new_password;
use crate::flow::users::revoke_sessions_and_save;
use crate::store::users::{self, User, UserRow};
use crate::store::{now, tokens, transaction, DbConnection};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// A fresh pair of tokens.
#[derive(Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

fn bad_credentials() -> AppError {
    AppError::Unauthorized {
        code: "invalid_credentials",
        message: "wrong e-mail or password".into(),
    }
}

/// Issues an access token and a refresh token of the given family (a new login or a rotation).
fn issue_pair(
    conn: &mut DbConnection,
    state: &AppState,
    user: &UserRow,
    family_id: &str,
) -> Result<TokenPair, AppError> {
    let refresh_token = new_refresh_token();
    let ttl =
        ChronoDuration::from_std(state.config().refresh_token_ttl).map_err(AppError::internal)?;
    tokens::insert(
        conn,
        &user.id,
        family_id,
        &hash_refresh_token(&refresh_token),
        now() + ttl,
    )?;
    Ok(TokenPair {
        access_token: state.keys.issue(&user.id, user.token_version, family_id)?,
        refresh_token,
        token_type: "Bearer",
        expires_in: state.keys.access_ttl.as_secs(),
    })
}

/// Sign in with e-mail and password.
///
/// Answers an access token and a refresh token. Failed attempts slow down per account and address; 401 never says whether the account exists. Public: no sign-in needed.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "wrong e-mail or password", body = ErrorBody),
        (status = 429, description = "too many failed attempts", body = ErrorBody),
    ),
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<web::Json<TokenPair>, AppError> {
    let LoginRequest { email, password } = body.into_inner()?;
    let address = super::address::of_request(&req, &state);
    let signed = sign_in(&state, &address, email, password).await?;
    req.extensions_mut().insert(crate::api::telemetry::Signed {
        user_id: signed.user_id,
    });
    Ok(web::Json(signed.pair))
}

/// A started login and whose it is (for the audit trail).
pub struct SignedIn {
    pub pair: TokenPair,
    pub user_id: String,
}

/// Checks a password and starts a login: the API's and the office pages' one way in.
pub async fn sign_in(
    state: &AppState,
    address: &str,
    email: String,
    password: String,
) -> Result<SignedIn, AppError> {
    let email = Email::parse("email", &email)
        .map(Email::into_string)
        .unwrap_or(email);
    let st = state.clone();
    let address = address.to_owned();
    state
        .db(move |conn| {
            let at = now();
            st.throttle.check(conn, &email, &address, at)?;
            let user = users::find_by_email(conn, &email)?;
            let verified = match &user {
                Some(u) => st.passwords.verify(&password, &u.password_hash),
                None => st.passwords.verify_dummy(&password),
            };
            let user = match user {
                Some(u) if verified && u.active => u,
                _ => {
                    st.throttle.failed(conn, &email, &address, at)?;
                    return Err(bad_credentials());
                }
            };
            st.throttle.succeeded(conn, &email, &address)?;
            Ok(SignedIn {
                pair: issue_pair(conn, &st, &user, &ids::new_id())?,
                user_id: user.id.to_string(),
            })
        })
        .await
}

/// Trade a refresh token for new tokens.
///
/// A refresh token works once; replaying a used one signs the whole session out. Public: no sign-in needed.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "a new pair; the old refresh token is spent", body = TokenPair),
        (status = 401, body = ErrorBody),
    ),
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<web::Json<TokenPair>, AppError> {
    let token = body.into_inner()?.refresh_token;
    Ok(web::Json(rotate(&state, &token).await?))
}

/// Spends a refresh token for a new pair; a spent one coming back ends its whole login.
pub async fn rotate(state: &AppState, refresh_token: &str) -> Result<TokenPair, AppError> {
    let hash = hash_refresh_token(refresh_token.trim());
    let st = state.clone();
    let outcome = state
        .db(move |conn| {
            transaction(conn, |conn| {
                let Some(row) = tokens::find_by_hash(conn, &hash)? else {
                    return Ok(Err(invalid_token()));
                };
                if row.revoked_at.is_some() || !tokens::revoke(conn, &row.id)? {
                    // A spent token came back: someone kept a copy. End that whole login.
                    tokens::revoke_family(conn, &row.family_id)?;
                    return Ok(Err(invalid_token()));
                }
                if row.expires_at < now() {
                    return Ok(Err(invalid_token()));
                }
                // Spent and renewed in one transaction: the login never looks
                // ended to a request in between.
                match users::find(conn, &row.user_id)?.filter(|u| u.active) {
                    Some(user) => issue_pair(conn, &st, &user, &row.family_id).map(Ok),
                    None => Ok(Err(invalid_token())),
                }
            })
        })
        .await?;
    outcome
}

/// Sign out: the refresh token stops working.
///
/// Answers 204 whatever the token, so it tells nothing about it. Public: no sign-in needed.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "the login's refresh tokens are revoked")),
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    sign_out(&state, &body.into_inner()?.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends the login a refresh token belongs to; an unknown token is no error.
pub async fn sign_out(state: &AppState, refresh_token: &str) -> Result<(), AppError> {
    let hash = hash_refresh_token(refresh_token.trim());
    state
        .db(move |conn| {
            if let Some(row) = tokens::find_by_hash(conn, &hash)? {
                tokens::revoke_family(conn, &row.family_id)?;
            }
            Ok(())
        })
        .await
}

/// Sign out on every device.
///
/// Every refresh token of the caller stops working; access tokens end with their short lifetime. Roles: owner, manager, administrator, engineer.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "every login of this user is ended: its access and refresh tokens stop working"),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/auth/logout-everywhere")]
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    caller: AnyStaff,
) -> Result<HttpResponse, AppError> {
    state
        .db(move |conn| {
            let mut user = users::find(conn, &caller.user_id)?.ok_or_else(invalid_token)?;
            transaction(conn, |conn| revoke_sessions_and_save(conn, &mut user))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change one's own password.
///
/// Needs the current password; the new one is 10 to 128 characters. Every session, this one too, is signed out. Roles: owner, manager, administrator, engineer.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "changed; every token of this user stops working"),
        (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: AnyStaff,
    body: Json<PasswordChange>,
) -> Result<HttpResponse, AppError> {
    let PasswordChange {
        current_password,
        new_password,
    } = body.into_inner()?;
    check_new_password("new_password", &new_password)?;
    let st = state.clone();
    state
        .db(move |conn| {
            let mut user = users::find(conn, &caller.user_id)?.ok_or_else(invalid_token)?;
            if !st.passwords.verify(&current_password, &user.password_hash) {
                return Err(AppError::invalid(
                    "current_password",
                    "is not your current password",
                ));
            }
            user.password_hash = st.passwords.hash(&new_password)?;
            transaction(conn, |conn| revoke_sessions_and_save(conn, &mut user))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who the caller is.
///
/// The signed-in user's id, name, e-mail and roles. Roles: owner, manager, administrator, engineer.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = User), (status = 401, body = ErrorBody)),
    security(("bearer" = [])),
)]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, caller: AnyStaff) -> Result<web::Json<User>, AppError> {
    let user = state
        .db(move |conn| users::find(conn, &caller.user_id)?.ok_or_else(invalid_token))
        .await?;
    Ok(web::Json(user.into_view()?))
}
