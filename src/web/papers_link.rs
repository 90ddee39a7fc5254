//! `/p/{token}`: the papers a customer keeps — their addresses and equipment,
//! visits booked and past, and every completion certificate to download.
//! No login, no script; the token is the key, and the office can withdraw it.

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpResponse};
use maud::html;

use super::visit_link::{layout, link_error, respond};
use crate::api::state::AppState;
use crate::core::notice::{format, Locale};
use crate::error::AppError;
use crate::flow::papers::{self, Papers};

/// The page's words in one language.
struct Words {
    title: &'static str,
    places: &'static str,
    booked: &'static str,
    past: &'static str,
    none: &'static str,
    certificates: &'static str,
    certificate: &'static str,
    expired: &'static str,
    unknown: &'static str,
}

const EN: Words = Words {
    title: "Your service papers",
    places: "Your addresses and equipment",
    booked: "Booked visits",
    past: "Past visits",
    none: "None yet.",
    certificates: "Completion certificates",
    certificate: "Certificate",
    expired: "This link has expired or was withdrawn. Please ask us for a new one.",
    unknown: "This link does not open anything. Please check it, or call us.",
};

const UK: Words = Words {
    title: "Ваші документи",
    places: "Ваші адреси та обладнання",
    booked: "Заплановані візити",
    past: "Минулі візити",
    none: "Поки що немає.",
    certificates: "Акти виконаних робіт",
    certificate: "Акт",
    expired: "Термін дії посилання минув або його відкликано. Попросіть у нас нове.",
    unknown: "Це посилання нічого не відкриває. Перевірте його або зателефонуйте нам.",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Uk => &UK,
    }
}

fn page_markup(token: &str, p: &Papers) -> maud::Markup {
    let w = words(p.locale);
    let tz = p.timezone;
    let (booked, past): (Vec<_>, Vec<_>) = p.visits.iter().partition(|v| v.booked);
    let visit_list = |list: &[&crate::flow::papers::PaperVisit]| {
        html! {
            @if list.is_empty() { p { (w.none) } }
            ul {
                @for v in list {
                    li {
                        strong { (format::date(format::local_day(v.start, tz), p.locale)) ", " (format::window(v.start, v.end, tz)) }
                        @if !v.engineer.is_empty() { " · " (v.engineer) }
                        br; (v.address)
                    }
                }
            }
        }
    };
    let body = html! {
        p { (p.company) }
        h1 { (w.title) }
        p.what { (p.customer) }
        h2 { (w.places) }
        @if p.places.is_empty() { p { (w.none) } }
        @for place in &p.places {
            p { strong { (place.address) } }
            ul { @for e in &place.equipment { li { (e) } } }
        }
        h2 { (w.booked) }
        (visit_list(&booked))
        h2 { (w.past) }
        (visit_list(&past))
        h2 { (w.certificates) }
        @if p.certificates.is_empty() { p { (w.none) } }
        ul.certificates style="list-style:none;padding:0;margin:0" {
            @for c in &p.certificates {
                li {
                    a href={ "/p/" (token) "/certificates/" (c.number) } download
                        style="display:block;padding:.9rem;margin-top:.6rem;border:1px solid #0a5;border-radius:.5rem;color:#0a5;text-decoration:none;text-align:center" {
                        (w.certificate) " " (c.number) " · " (format::date(format::local_day(c.issued, tz), p.locale))
                    }
                }
            }
        }
    };
    layout(p.locale.as_str(), w.title, body)
}

fn error_page(state: &AppState, e: &AppError) -> HttpResponse {
    link_error(state, e, |l| {
        let w = words(l);
        [w.title, w.expired, w.unknown]
    })
}

/// The customer's papers.
#[get("/p/{token}")]
pub async fn page(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    let m = state.config().messaging.clone();
    let t = token.clone();
    match state.db(move |conn| papers::open(conn, &m, &t)).await {
        Ok(p) => respond(StatusCode::OK, page_markup(&token, &p)),
        Err(e) => error_page(&state, &e),
    }
}

/// One certificate's PDF, if it is this customer's.
#[get("/p/{token}/certificates/{number}")]
pub async fn certificate(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (token, number) = path.into_inner();
    let m = state.config().messaging.clone();
    let files = state.files.clone();
    let found = state
        .db(move |conn| papers::certificate(conn, &m, files.as_ref(), &token, &number))
        .await;
    match found {
        Ok((row, bytes)) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"certificate-{}.pdf\"", row.number),
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::REFERRER_POLICY, "no-referrer"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(bytes),
        Err(e) => error_page(&state, &e),
    }
}
