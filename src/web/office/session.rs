//! Signing in and out of the office pages, renewing the session, the language
//! switch, and the start page that sends each role to its own first page.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{get, post, web, HttpMessage, HttpRequest, HttpResponse};
use maud::{html, DOCTYPE};
use serde::Deserialize;

use super::page::{enc, html_response, see_other, Lang, Page, LANG_COOKIE};
use crate::api::auth::address;
use crate::api::auth::caller::Everyone;
use crate::api::auth::handlers::{rotate, sign_in, sign_out};
use crate::api::auth::session;
use crate::api::state::AppState;
use crate::core::role::Role;
use crate::error::AppError;

/// Where to go after signing in: only our own pages.
fn next_page(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/office/") && !n.contains("//") && !n.contains('\\') => {
            n.to_owned()
        }
        _ => "/office/".to_owned(),
    }
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn login_page(lang: Lang, next: &str, failed: Option<&str>) -> HttpResponse {
    let w = lang.words();
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (w.sign_in) " · Orderly" }
                link rel="stylesheet" href="/office/office.css";
            }
            body.bare {
                main.narrow.card {
                    h1 { "Orderly" }
                    form method="post" action="/office/login" {
                        input type="hidden" name="next" value=(next);
                        label { (w.email) input type="email" name="email" autocomplete="username" required autofocus; }
                        label { (w.password) input type="password" name="password" autocomplete="current-password" required; }
                        @if let Some(message) = failed {
                            p.form-error role="alert" { (message) }
                        }
                        button.primary type="submit" { (w.sign_in) }
                    }
                    p.muted { (w.engineers_use_app) " " a href="/app/" { (w.open_app) } }
                }
            }
        }
    };
    html_response(markup)
}

#[get("/office/login")]
pub async fn login_form(req: HttpRequest, q: web::Query<Next>) -> HttpResponse {
    login_page(Lang::of(&req), &next_page(q.next.as_deref()), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

#[post("/office/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let LoginForm {
        email,
        password,
        next,
    } = form.into_inner();
    let next = next_page(next.as_deref());
    let lang = Lang::of(&req);
    if !same_origin(&req) {
        // Another site's form would sign the visitor into someone else's account.
        let mut page = login_page(lang, &next, Some(&AppError::CsrfRejected.to_string()));
        *page.status_mut() = actix_web::http::StatusCode::FORBIDDEN;
        return page;
    }
    match sign_in(&state, &address::of_request(&req, &state), email, password).await {
        Ok(pair) => {
            req.extensions_mut().insert(crate::api::telemetry::Signed {
                user_id: pair.user_id.clone(),
            });
            let pair = pair.pair;
            let mut response = HttpResponse::SeeOther();
            session::set(&req, &mut response, pair, session::Start::SignIn);
            response
                .insert_header((actix_web::http::header::LOCATION, next))
                .finish()
        }
        Err(e) => {
            let message = match e {
                AppError::Unauthorized { .. } => lang.words().wrong_login.to_owned(),
                other => other.to_string(),
            };
            let mut page = login_page(lang, &next, Some(&message));
            *page.status_mut() = actix_web::http::StatusCode::UNAUTHORIZED;
            page
        }
    }
}

/// Whether a form came from our own pages: the browser's `Origin`, when it
/// sends one, names this host (the scheme may differ behind a TLS proxy).
fn same_origin(req: &HttpRequest) -> bool {
    match req
        .headers()
        .get(actix_web::http::header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    {
        None => true,
        Some(origin) => {
            origin.split_once("://").map(|(_, host)| host) == Some(req.connection_info().host())
        }
    }
}

/// Renews the session from the refresh cookie and goes on; the login when it cannot.
#[get("/office/session")]
pub async fn renew_and_go(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<Next>,
) -> HttpResponse {
    let next = next_page(q.next.as_deref());
    let renewed = match session::refresh_token(&req) {
        Some(token) => rotate(&state, &token).await.ok(),
        None => None,
    };
    match renewed {
        Some(pair) => {
            let mut response = HttpResponse::SeeOther();
            session::set(&req, &mut response, pair, session::Start::Renewal);
            response
                .insert_header((actix_web::http::header::LOCATION, next))
                .finish()
        }
        None => {
            let mut response = HttpResponse::SeeOther();
            session::clear(&req, &mut response);
            response
                .insert_header((
                    actix_web::http::header::LOCATION,
                    format!("/office/login?next={}", enc(&next)),
                ))
                .finish()
        }
    }
}

/// Renews the session for the pages' script (after a 401 from the API).
#[post("/office/session")]
pub async fn renew(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if session::access_token(&req)?.is_none() {
        return Err(AppError::CsrfRejected);
    }
    let token = session::refresh_token(&req).ok_or_else(crate::api::auth::tokens::invalid_token)?;
    let pair = rotate(&state, &token).await?;
    let mut response = HttpResponse::NoContent();
    session::set(&req, &mut response, pair, session::Start::Renewal);
    Ok(response.finish())
}

/// Signs out: the login's refresh tokens are revoked and the cookies emptied.
#[post("/office/session/end")]
pub async fn end(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    // The CSRF check: another site must not sign people out.
    if session::access_token(&req)?.is_none() {
        return Err(AppError::CsrfRejected);
    }
    if let Some(token) = session::refresh_token(&req) {
        sign_out(&state, &token).await?;
    }
    let mut response = HttpResponse::NoContent();
    session::clear(&req, &mut response);
    Ok(response.finish())
}

#[derive(Deserialize)]
pub struct LangSwitch {
    to: String,
    next: Option<String>,
}

/// Keeps the chosen language in a cookie.
#[get("/office/lang")]
pub async fn switch_lang(req: HttpRequest, q: web::Query<LangSwitch>) -> HttpResponse {
    let lang = if q.to == "uk" { "uk" } else { "en" };
    let cookie = Cookie::build(LANG_COOKIE, lang)
        .path("/")
        .same_site(SameSite::Lax)
        .secure(req.connection_info().scheme() == "https")
        .permanent()
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((
            actix_web::http::header::LOCATION,
            next_page(q.next.as_deref()),
        ))
        .finish()
}

/// Each role's first page.
#[get("/office/")]
pub async fn start(page: Page<Everyone>) -> HttpResponse {
    let to = if page.has(Role::Owner) || page.has(Role::Manager) {
        "/office/reminders"
    } else if page.has(Role::Administrator) {
        "/office/queue"
    } else {
        "/app/"
    };
    see_other(to)
}

#[get("/office")]
pub async fn to_start() -> HttpResponse {
    see_other("/office/")
}

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login_form)
        .service(login)
        .service(renew_and_go)
        .service(renew)
        .service(end)
        .service(switch_lang)
        .service(start)
        .service(to_start);
}

#[cfg(test)]
mod tests {
    use super::next_page;

    #[test]
    fn only_our_own_pages_come_next() {
        assert_eq!(
            next_page(Some("/office/board?date=2026-01-02")),
            "/office/board?date=2026-01-02"
        );
        assert_eq!(next_page(Some("https://evil.example/")), "/office/");
        assert_eq!(next_page(Some("/office//evil.example")), "/office/");
        assert_eq!(next_page(None), "/office/");
    }
}
