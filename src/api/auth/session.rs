//! The office pages' login: the API's own tokens, kept in HttpOnly cookies.
//!
//! A script cannot read them, and every request that changes something must
//! also carry the session's CSRF token in `X-CSRF-Token` (double submit: the
//! token is in a cookie another site's page cannot read), so a link or form on
//! another site cannot act in the user's name. Cookies are `SameSite=Strict` too.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponseBuilder};
use rand::RngCore;

use super::handlers::TokenPair;
use crate::error::AppError;

/// The access token (short-lived).
pub const ACCESS: &str = "orderly_access";
/// The refresh token, sent only to the path that spends it.
pub const REFRESH: &str = "orderly_refresh";
/// The CSRF token; readable by our own script, which echoes it in a header.
pub const CSRF: &str = "orderly_csrf";
/// Where the office pages' script sends the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The one path that receives the refresh token.
pub const REFRESH_PATH: &str = "/office/session";

fn cookie(
    req: &HttpRequest,
    name: &'static str,
    value: String,
    path: &'static str,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path(path)
        .http_only(name != CSRF)
        .same_site(SameSite::Strict)
        .secure(req.connection_info().scheme() == "https")
        .finish()
}

/// How a pair comes to the cookies: a new sign-in gets a CSRF token of its own,
/// whatever cookie the browser brought (one planted by someone else would
/// otherwise be theirs to use); a renewal keeps the session's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    SignIn,
    Renewal,
}

/// Puts a fresh pair and the CSRF token in the response's cookies.
pub fn set(req: &HttpRequest, response: &mut HttpResponseBuilder, pair: TokenPair, start: Start) {
    let kept = match start {
        Start::SignIn => None,
        Start::Renewal => req
            .cookie(CSRF)
            .map(|c| c.value().to_owned())
            .filter(|v| v.len() >= 32),
    };
    let csrf = kept.unwrap_or_else(new_csrf);
    response
        .cookie(cookie(req, ACCESS, pair.access_token, "/"))
        .cookie(cookie(req, REFRESH, pair.refresh_token, REFRESH_PATH))
        .cookie(cookie(req, CSRF, csrf, "/"));
}

/// Empties the session's cookies.
pub fn clear(req: &HttpRequest, response: &mut HttpResponseBuilder) {
    for (name, path) in [(ACCESS, "/"), (REFRESH, REFRESH_PATH), (CSRF, "/")] {
        let mut c = cookie(req, name, String::new(), path);
        c.set_max_age(time::Duration::ZERO);
        response.cookie(c);
    }
}

fn new_csrf() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The session's CSRF token, for the page to hand to its script.
pub fn csrf(req: &HttpRequest) -> Option<String> {
    req.cookie(CSRF).map(|c| c.value().to_owned())
}

/// The access token from the cookie, once a request that changes something has
/// shown the CSRF token; `None` when there is no cookie session.
pub fn access_token(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(access) = req.cookie(ACCESS).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let expected = csrf(req).unwrap_or_default();
        if expected.len() < 32 || !same(sent.as_bytes(), expected.as_bytes()) {
            return Err(AppError::CsrfRejected);
        }
    }
    Ok(Some(access))
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The refresh token from its cookie.
pub fn refresh_token(req: &HttpRequest) -> Option<String> {
    req.cookie(REFRESH).map(|c| c.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
        assert_eq!(new_csrf().len(), 48);
    }
}
