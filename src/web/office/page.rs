//! What every office page shares: who is looking (from the session cookie),
//! in which language, the page frame with its menu, and how a failure looks.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use maud::{html, Markup, DOCTYPE};

use super::words::{Words, EN, UK};
use crate::api::auth::caller::{Caller, RoleSet};
use crate::api::auth::session;
use crate::core::role::Role;
use crate::error::AppError;

/// The pages' languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Uk,
}

/// The cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "orderly_lang";

impl Lang {
    /// The same language as the words messages are written in.
    pub fn locale(self) -> crate::core::notice::Locale {
        match self {
            Lang::En => crate::core::notice::Locale::En,
            Lang::Uk => crate::core::notice::Locale::Uk,
        }
    }

    /// The chosen language, else the browser's first wish.
    pub fn of(req: &HttpRequest) -> Lang {
        let wish = req
            .cookie(LANG_COOKIE)
            .map(|c| c.value().to_owned())
            .or_else(|| {
                req.headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_default()
            .to_ascii_lowercase();
        if wish.starts_with("uk") {
            Lang::Uk
        } else {
            Lang::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Uk => "uk",
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Uk => &UK,
        }
    }
}

/// A signed-in visitor of an office page who holds one of the roles `R` allows.
pub struct Page<R: RoleSet> {
    pub caller: Caller<R>,
    pub lang: Lang,
    pub w: &'static Words,
    /// The session's CSRF token, handed to our script in a meta tag.
    pub csrf: String,
    /// The path and query, to come back to after a language switch.
    pub here: String,
    /// The company's time zone: every time on the pages is company time.
    pub tz: Tz,
    pub zone: &'static str,
}

impl<R: RoleSet> Page<R> {
    pub fn has(&self, role: Role) -> bool {
        self.caller.has(role)
    }
}

/// Why a page is not shown: not signed in (go to the login), or a failure.
#[derive(Debug)]
pub enum PageError {
    SignIn(String),
    Failed(AppError, Lang),
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::SignIn(to) => write!(f, "sign in first ({to})"),
            PageError::Failed(e, _) => write!(f, "{e}"),
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::Failed(e, Lang::En)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignIn(_) => StatusCode::SEE_OTHER,
            PageError::Failed(e, _) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            PageError::SignIn(to) => see_other(to),
            PageError::Failed(e, lang) => {
                // Logs internal causes, as the API does.
                let _ = e.error_response();
                let w = lang.words();
                let markup = html! {
                    (DOCTYPE)
                    html lang=(lang.code()) {
                        head { meta charset="utf-8"; title { (w.error) " · Orderly" }
                               link rel="stylesheet" href="/office/office.css"; }
                        body.bare { main.narrow {
                            h1 { (w.error) }
                            p { (e.to_string()) }
                            p { a href="/office/" { (w.home) } }
                        } }
                    }
                };
                HttpResponse::build(e.status_code())
                    .content_type("text/html; charset=utf-8")
                    .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
                    .body(markup.into_string())
            }
        }
    }
}

/// A 303 to another page.
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// Percent-encodes a value for a query string.
pub fn enc(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s[2..].to_owned())
        .unwrap_or_default()
}

impl<R: RoleSet + 'static> FromRequest for Page<R> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::<R>::from_request(req, payload);
        let tz = req
            .app_data::<actix_web::web::Data<crate::api::state::AppState>>()
            .map_or(chrono_tz::UTC, |s| s.config().timezone);
        let lang = Lang::of(req);
        let csrf = session::csrf(req).unwrap_or_default();
        let here = req
            .uri()
            .path_and_query()
            .map_or("/office/".to_owned(), |p| p.to_string());
        Box::pin(async move {
            match caller.await {
                Ok(caller) => Ok(Page {
                    caller,
                    lang,
                    w: lang.words(),
                    csrf,
                    here,
                    tz,
                    zone: tz.name(),
                }),
                // The access token is short-lived: the session page renews it
                // from the refresh cookie, or sends the visitor to the login.
                Err(AppError::Unauthorized { .. }) => Err(PageError::SignIn(format!(
                    "{}?next={}",
                    session::REFRESH_PATH,
                    enc(&here)
                ))),
                Err(e) => Err(PageError::Failed(e, lang)),
            }
        })
    }
}

/// Our own script and styles only; style attributes place the board's blocks.
pub const POLICY: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
    style-src-attr 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// A menu entry: where it goes, its word, the roles that use it (the owner sees all).
type MenuEntry = (&'static str, fn(&Words) -> &'static str, &'static [Role]);

/// The menu entries, each shown to the roles that use it.
const MENU: &[MenuEntry] = &[
    ("/office/reminders", |w| w.menu_reminders, &[Role::Manager]),
    ("/office/customers", |w| w.menu_customers, &[Role::Manager]),
    ("/office/lost", |w| w.menu_lost, &[Role::Manager]),
    ("/office/queue", |w| w.menu_queue, &[Role::Administrator]),
    ("/office/board", |w| w.menu_board, &[Role::Administrator]),
    ("/office/plan", |w| w.menu_plan, &[Role::Administrator]),
    ("/office/week", |w| w.menu_week, &[Role::Administrator]),
    (
        "/office/notifications",
        |w| w.menu_notifications,
        &[Role::Administrator],
    ),
    ("/office/stock", |w| w.menu_stock, &[Role::Administrator]),
    (
        "/office/load-lists",
        |w| w.menu_load_lists,
        &[Role::Administrator],
    ),
    ("/office/users", |w| w.menu_users, &[]),
    ("/office/settings", |w| w.menu_settings, &[]),
    ("/office/analytics", |w| w.menu_analytics, &[Role::Manager]),
    ("/office/templates", |w| w.menu_templates, &[]),
    ("/office/audit", |w| w.menu_audit, &[]),
];

/// The page frame as an answer.
pub fn frame<R: RoleSet>(page: &Page<R>, title: &str, body: Markup) -> HttpResponse {
    html_response(frame_markup(page, title, body))
}

/// The page frame: the menu for the visitor's roles, the language switch, sign-out.
pub fn frame_markup<R: RoleSet>(page: &Page<R>, title: &str, body: Markup) -> Markup {
    let w = page.w;
    let owner = page.has(Role::Owner);
    let path = page.here.split('?').next().unwrap_or_default();
    let other = match page.lang {
        Lang::En => ("uk", "Українська"),
        Lang::Uk => ("en", "English"),
    };
    let markup = html! {
        (DOCTYPE)
        html lang=(page.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="csrf-token" content=(page.csrf);
                meta name="orderly-timezone" content=(page.zone);
                title { (title) " · Orderly" }
                link rel="stylesheet" href="/office/office.css";
                script src="/office/office.js" defer {}
            }
            body {
                a.skip href="#main" { (w.skip_to_content) }
                header.top {
                    a.brand href="/office/" { "Orderly" }
                    nav aria-label=(w.menu) {
                        ul {
                            @for (href, label, roles) in MENU {
                                @if owner || roles.iter().any(|r| page.has(*r)) {
                                    li { a href=(href) aria-current=[path.starts_with(href).then_some("page")] { (label(w)) } }
                                }
                            }
                        }
                    }
                    div.who {
                        a href={ "/office/lang?to=" (other.0) "&next=" (enc(&page.here)) } lang=(other.0) { (other.1) }
                        span { (page.caller.name) }
                        form data-api="/office/session/end" data-next="/office/login" {
                            button.link type="submit" { (w.sign_out) }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    markup
}

/// An HTML answer under the pages' security policy, never cached.
pub fn html_response(markup: Markup) -> HttpResponse {
    html_response_with(markup, None)
}

/// An HTML answer whose images may also come from one more origin (map tiles).
pub fn html_response_with(markup: Markup, images_from: Option<&str>) -> HttpResponse {
    let policy = match images_from {
        Some(origin) => POLICY.replace("img-src 'self'", &format!("img-src 'self' {origin}")),
        None => POLICY.to_owned(),
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(markup.into_string())
}

/// A form that opens from a small button, where it is needed.
pub fn popup(summary: &str, form: Markup) -> Markup {
    html! { details.act { summary { (summary) } (form) } }
}

/// A form's error line, filled by the script with the server's message.
pub fn form_error() -> Markup {
    html! { p.form-error role="alert" aria-live="assertive" {} }
}

/// A time of day in the company's zone.
pub fn clock(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M").to_string()
}

/// A date and time in the company's zone.
pub fn when(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// A date as people read it, with the weekday.
pub fn day(d: NaiveDate, w: &Words) -> String {
    use chrono::Datelike;
    let wd = w.weekdays[d.weekday().num_days_from_monday() as usize];
    format!("{wd} {}", d.format("%d.%m.%Y"))
}

/// Money in minor units, with its currency.
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", m / 100, m % 100)
}

/// A status or kind code as a small coloured label.
pub fn badge(code: &str, w: &Words) -> Markup {
    html! { span class={ "badge s-" (code) } { (w.code(code)) } }
}

/// A JSON value for a form's fixed fields.
pub fn json_attr(value: serde_json::Value) -> String {
    value.to_string()
}

/// A page's filters from its query string; empty boxes mean "any".
pub fn filters<T: serde::de::DeserializeOwned>(req: &HttpRequest) -> Result<T, AppError> {
    use crate::api::extract::{parse_query, without_blanks};
    parse_query(&without_blanks(req.query_string()))
}

/// Links to the first and the next page of a list, keeping its filters.
pub fn pager(req: &HttpRequest, next_cursor: Option<&str>, w: &Words) -> Markup {
    use crate::api::extract::with_param;
    let query = req.query_string();
    let path = req.path();
    html! {
        nav.pager aria-label=(w.next_page) {
            @if query.contains("cursor=") {
                a href={ (path) "?" (with_param(query, "cursor", None)) } { "« " (w.first_page) }
            }
            @if let Some(c) = next_cursor {
                a href={ (path) "?" (with_param(query, "cursor", Some(c))) } rel="next" { (w.next_page) " »" }
            }
        }
    }
}

/// A `<select>` of codes with an "all" choice, the current one selected.
pub fn code_select(
    name: &str,
    label: &str,
    codes: &[&str],
    current: Option<&str>,
    w: &Words,
) -> Markup {
    html! {
        label { (label)
            select name=(name) {
                option value="" { (w.all) }
                @for c in codes {
                    option value=(c) selected[current == Some(*c)] { (w.code(c)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_people_write_it() {
        assert_eq!(money(120_000, "UAH"), "1200.00 UAH");
        assert_eq!(money(-5, "UAH"), "-0.05 UAH");
        assert_eq!(money(0, "USD"), "0.00 USD");
    }

    #[test]
    fn a_query_value_is_encoded_whole() {
        assert_eq!(
            enc("/office/board?date=2026-11-24&x=1"),
            "%2Foffice%2Fboard%3Fdate%3D2026-11-24%26x%3D1"
        );
    }

    #[test]
    fn days_carry_their_weekday_in_each_language() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(day(d, Lang::En.words()), "Tue 24.11.2026");
        assert_eq!(day(d, Lang::Uk.words()), "Вт 24.11.2026");
    }
}
