//! `/v/{token}`: the small mobile page a customer opens from their SMS: the
//! date, time, engineer and address of the visit, with "confirm" and "ask for
//! another time". Plain HTML forms, no script, no login; the token is the key.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use crate::api::state::AppState;
use crate::core::notice::Locale;
use crate::core::visit::{CustomerAnswer, VisitStatus};
use crate::error::AppError;
use crate::flow::customer_link::{self, VisitPage};

/// The page's words in one language.
struct Words {
    title: &'static str,
    date: &'static str,
    time: &'static str,
    engineer: &'static str,
    address: &'static str,
    confirm: &'static str,
    ask: &'static str,
    ask_hint: &'static str,
    confirmed: &'static str,
    asked: &'static str,
    cancelled: &'static str,
    under_way: &'static str,
    finished: &'static str,
    moved: &'static str,
    expired: &'static str,
    unknown: &'static str,
}

const EN: Words = Words {
    title: "Your visit",
    date: "Date",
    time: "Time",
    engineer: "Engineer",
    address: "Address",
    confirm: "Confirm the visit",
    ask: "Ask for another time",
    ask_hint: "Which days and times suit you?",
    confirmed: "Thank you! You have confirmed this visit.",
    asked: "Thank you! We will call you to agree another time.",
    cancelled: "This visit is cancelled. We will contact you to agree a new time.",
    under_way: "The engineer is on the way or already with you.",
    finished: "This visit has taken place. Thank you!",
    moved: "This visit has moved: the new date and time are above. Please use the link of our latest message to answer.",
    expired: "This link has expired. Please call us if you need anything.",
    unknown: "This link does not open any visit. Please check it, or call us.",
};

const UK: Words = Words {
    title: "Ваш візит",
    date: "Дата",
    time: "Час",
    engineer: "Майстер",
    address: "Адреса",
    confirm: "Підтвердити візит",
    ask: "Попросити інший час",
    ask_hint: "Які дні та години вам зручні?",
    confirmed: "Дякуємо! Ви підтвердили візит.",
    asked: "Дякуємо! Ми зателефонуємо, щоб узгодити інший час.",
    cancelled: "Візит скасовано. Ми зв'яжемося з вами, щоб узгодити новий час.",
    under_way: "Майстер уже в дорозі або з вами.",
    finished: "Візит відбувся. Дякуємо!",
    moved: "Візит перенесено: нові дата й час вказані вище. Щоб відповісти, відкрийте посилання з нашого останнього повідомлення.",
    expired: "Термін дії посилання минув. Зателефонуйте нам, якщо потрібно.",
    unknown: "Це посилання не відкриває жодного візиту. Перевірте його або зателефонуйте нам.",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Uk => &UK,
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:32rem;\
margin-inline:auto;color:#1b1b1b}h1{font-size:1.4rem}dl{display:grid;grid-template-columns:auto 1fr;\
gap:.4rem 1rem}dt{color:#666}dd{margin:0;font-weight:600}button{width:100%;padding:.9rem;font-size:1rem;\
border-radius:.5rem;border:1px solid #0a5;background:#0a5;color:#fff;margin-top:.6rem}\
button.secondary{background:#fff;color:#0a5}textarea{width:100%;box-sizing:border-box;min-height:4rem;\
font:inherit;margin-top:.8rem}.note{padding:.8rem;background:#eef8f1;border-radius:.5rem}\
.error{padding:.8rem;background:#fdecea;border-radius:.5rem}label{display:block;margin-top:.9rem}input[type=tel],input[type=file]{display:block;width:100%;box-sizing:border-box;margin-top:.3rem;padding:.6rem;font:inherit;border:1px solid #bbb;border-radius:.4rem}textarea{border:1px solid #bbb;border-radius:.4rem;padding:.6rem}label+textarea{margin-top:.3rem}a.button{display:block;text-align:center;padding:.9rem;border-radius:.5rem;background:#0a5;color:#fff;text-decoration:none;margin-top:.6rem}a.call{display:block;text-align:center;padding:.9rem;border-radius:.5rem;border:1px solid #0a5;color:#0a5;text-decoration:none;margin-top:1.2rem}";

/// A customer page: small, readable on a phone, no script.
pub(crate) fn layout(lang: &str, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                style { (STYLE) }
            }
            body { (body) }
        }
    }
}

/// A page with the headers a token-bearing URL needs: never cached, never leaked as a referrer.
pub(crate) fn respond(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        ))
        .body(markup.into_string())
}

fn visit_page(token: &str, v: &VisitPage, error: Option<&str>) -> Markup {
    let w = words(v.locale);
    let state_note = match (v.status, v.answer) {
        _ if v.moved && v.status == VisitStatus::Booked => Some(w.moved),
        (VisitStatus::Cancelled, _) => Some(w.cancelled),
        (VisitStatus::EnRoute | VisitStatus::OnSite, _) => Some(w.under_way),
        (VisitStatus::Finished, _) => Some(w.finished),
        (VisitStatus::Booked, Some(CustomerAnswer::Confirmed)) => Some(w.confirmed),
        (VisitStatus::Booked, Some(CustomerAnswer::AskedToMove)) => Some(w.asked),
        (VisitStatus::Booked, None) => None,
    };
    let body = html! {
        p { (v.company) }
        h1 { (w.title) }
        dl {
            dt { (w.date) } dd { (v.date) }
            dt { (w.time) } dd { (v.window) }
            dt { (w.engineer) } dd { (v.engineer) }
            dt { (w.address) } dd { (v.address) }
        }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        @if let Some(n) = state_note { p.note role="status" { (n) } }
        @if v.status == VisitStatus::Booked && !v.moved {
            @if v.answer != Some(CustomerAnswer::Confirmed) {
                form method="post" action={ "/v/" (token) "/confirm" } {
                    button type="submit" { (w.confirm) }
                }
            }
            form method="post" action={ "/v/" (token) "/move" } {
                label for="note" { (w.ask_hint) }
                textarea id="note" name="note" maxlength="500" required {}
                button.secondary type="submit" { (w.ask) }
            }
        }
    };
    layout(v.locale.as_str(), w.title, body)
}

/// After a customer's answer, back to the link's page: post, then redirect, so a
/// reload does not send the answer again (and the token never leaks as a referrer).
pub(crate) fn answered(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .finish()
}

/// The page for a link that opens nothing: expired (410) or unknown (404), in
/// the company's language; `texts` gives the title, the expired and the unknown words.
pub(crate) fn link_error(
    state: &AppState,
    e: &AppError,
    texts: fn(Locale) -> [&'static str; 3],
) -> HttpResponse {
    let locale = state.config().messaging.locale;
    let [title, expired, unknown] = texts(locale);
    let (status, text) = match e {
        AppError::Gone { .. } => (StatusCode::GONE, expired),
        AppError::NotFound { .. } => (StatusCode::NOT_FOUND, unknown),
        _ => return actix_web::ResponseError::error_response(e),
    };
    respond(
        status,
        layout(locale.as_str(), title, html! { p.error { (text) } }),
    )
}

fn error_page(state: &AppState, e: &AppError) -> HttpResponse {
    link_error(state, e, |l| {
        let w = words(l);
        [w.title, w.expired, w.unknown]
    })
}

async fn show(
    state: &AppState,
    token: String,
    status: StatusCode,
    error: Option<String>,
) -> HttpResponse {
    let m = state.config().messaging.clone();
    let t = token.clone();
    match state
        .db(move |conn| customer_link::open(conn, &m, &t))
        .await
    {
        Ok(v) => respond(status, visit_page(&token, &v, error.as_deref())),
        Err(e) => error_page(state, &e),
    }
}

/// The visit behind the link.
#[get("/v/{token}")]
pub async fn page(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    show(&state, token.into_inner(), StatusCode::OK, None).await
}

async fn record(
    state: &AppState,
    token: String,
    answer: CustomerAnswer,
    note: Option<String>,
) -> HttpResponse {
    let m = state.config().messaging.clone();
    let t = token.clone();
    let result = state
        .db(move |conn| customer_link::answer(conn, &m, &t, answer, note.as_deref()))
        .await;
    match result {
        Ok(()) => answered(&format!("/v/{token}")),
        Err(AppError::Invalid(v)) => {
            show(
                state,
                token,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(v.message),
            )
            .await
        }
        Err(AppError::Conflict { message, .. }) => {
            show(state, token, StatusCode::CONFLICT, Some(message)).await
        }
        Err(e) => error_page(state, &e),
    }
}

/// The customer confirms the visit.
#[post("/v/{token}/confirm")]
pub async fn confirm(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    record(&state, token.into_inner(), CustomerAnswer::Confirmed, None).await
}

/// What the customer writes when asking for another time.
#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub note: Option<String>,
}

/// The customer asks for another time.
#[post("/v/{token}/move")]
pub async fn ask_to_move(
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<MoveForm>,
) -> HttpResponse {
    record(
        &state,
        token.into_inner(),
        CustomerAnswer::AskedToMove,
        form.into_inner().note,
    )
    .await
}
