//! Typed extractors: a handler's signature says who may call it.
//!
//! `async fn update(caller: Manager, …)` can only run for a manager or the owner;
//! there is no list of open routes to forget to update.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpMessage, HttpRequest};

use super::tokens::invalid_token;
use crate::api::state::AppState;
use crate::api::telemetry::Signed;
use crate::core::ids::{TypedId, UserId};
use crate::core::role::Role;
use crate::error::AppError;
use crate::flow::Actor;
use crate::store::{now, tokens, users};

/// A set of roles allowed to call a route.
pub trait RoleSet {
    const ALLOWED: &'static [Role];
}

/// The owner alone: users, company settings.
pub struct OwnerOnly;
/// Managers (and the owner, who may do everything): the customer relationship.
pub struct Managers;
/// Office staff: managers, administrators and the owner.
pub struct OfficeStaff;
/// Administrators (and the owner): booking visits, completion records.
pub struct Dispatchers;
/// Engineers alone: their own visits (the owner does not drive the van).
pub struct Engineers;
/// Anyone with an account.
pub struct Everyone;

impl RoleSet for OwnerOnly {
    const ALLOWED: &'static [Role] = &[Role::Owner];
}
impl RoleSet for Managers {
    const ALLOWED: &'static [Role] = &[Role::Owner, Role::Manager];
}
impl RoleSet for OfficeStaff {
    const ALLOWED: &'static [Role] = &[Role::Owner, Role::Manager, Role::Administrator];
}
impl RoleSet for Dispatchers {
    const ALLOWED: &'static [Role] = &[Role::Owner, Role::Administrator];
}
impl RoleSet for Engineers {
    const ALLOWED: &'static [Role] = &[Role::Engineer];
}
impl RoleSet for Everyone {
    const ALLOWED: &'static [Role] = &Role::ALL;
}

/// The authenticated, active caller, holding one of the roles `R` allows.
pub struct Caller<R: RoleSet> {
    pub user_id: UserId,
    pub name: String,
    pub roles: Vec<Role>,
    _roles: PhantomData<R>,
}

pub type Owner = Caller<OwnerOnly>;
pub type Manager = Caller<Managers>;
pub type Office = Caller<OfficeStaff>;
pub type AnyStaff = Caller<Everyone>;
pub type Dispatcher = Caller<Dispatchers>;
pub type Engineer = Caller<Engineers>;

impl<R: RoleSet> Caller<R> {
    /// Whether the caller holds a role (for handlers that vary by role).
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The caller as the flow sees it, with the company settings its rules need.
    pub fn actor(&self, state: &AppState) -> Actor {
        state.actor(&self.user_id, self.roles.clone())
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

impl<R: RoleSet + 'static> FromRequest for Caller<R> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        // A bearer token, or the office pages' cookie (with its CSRF check).
        let token = match bearer(&req) {
            Some(t) => Ok(Some(t)),
            None => super::session::access_token(&req),
        };
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("AppState missing"))?;
            let token = token?.ok_or(AppError::Unauthorized {
                code: "unauthorized",
                message: "log in and send the access token as `Authorization: Bearer …`".into(),
            })?;
            let claims = state.keys.check(&token)?;
            // Loaded on every request, so deactivation and role changes act at once.
            // A subject that is not a user id finds no user: 401 like any unknown one.
            let (user_id, session) = (UserId::parse(&claims.sub), claims.sid.clone());
            let user = state
                .db(move |conn| {
                    let Some(user_id) = user_id else {
                        return Ok(None);
                    };
                    let user = users::find(conn, &user_id)?;
                    // A login that was signed out ends its access tokens at once.
                    let live = user.is_some() && tokens::session_live(conn, &session, now())?;
                    Ok(user.filter(|_| live))
                })
                .await?
                .filter(|u| u.active && u.token_version == claims.ver)
                .ok_or_else(invalid_token)?;
            let roles = user.roles()?;
            req.extensions_mut().insert(Signed {
                user_id: user.id.to_string(),
            });
            if !roles.iter().any(|r| R::ALLOWED.contains(r)) {
                return Err(AppError::Forbidden);
            }
            Ok(Caller {
                user_id: user.id,
                name: user.name,
                roles,
                _roles: PhantomData,
            })
        })
    }
}
