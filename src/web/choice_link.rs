//! `/c/{token}`: the customer chooses the time of their visit from the slots
//! that fit the engineers' routes, and later moves or cancels it (up to the
//! company's cut-off). Plain HTML forms, no script, no login; the token is the key.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use serde::Deserialize;

use super::visit_link::{answered, layout, link_error, respond};
use crate::api::state::AppState;
use crate::core::notice::{format, Locale};
use crate::error::AppError;
use crate::flow::self_scheduling::{self, Choice, ChoicePage, Offered};

/// The page's words in one language.
struct Words {
    title: &'static str,
    booked_title: &'static str,
    intro: &'static str,
    none: &'static str,
    date: &'static str,
    time: &'static str,
    engineer: &'static str,
    booked_by_you: &'static str,
    move_to: &'static str,
    cancel: &'static str,
    too_late: &'static str,
    closed: &'static str,
    expired: &'static str,
    unknown: &'static str,
}

const EN: Words = Words {
    title: "Choose a time for your visit",
    booked_title: "Your visit",
    intro: "These are the times when an engineer is nearby. Tap the one that suits you.",
    none: "There are no free times in the coming days. We will call you to agree a time.",
    date: "Date",
    time: "Time",
    engineer: "Engineer",
    booked_by_you: "You chose this time.",
    move_to: "Or move it to another time:",
    cancel: "Cancel the visit",
    too_late: "The visit is soon, so it can no longer be changed here. Please call us.",
    closed: "There is nothing to choose for this visit any more. Thank you!",
    expired: "This link has expired. Please call us to agree a time.",
    unknown: "This link does not open any visit. Please check it, or call us.",
};

const UK: Words = Words {
    title: "Оберіть час візиту",
    booked_title: "Ваш візит",
    intro: "Це час, коли майстер буде поруч. Оберіть зручний.",
    none: "Найближчими днями вільного часу немає. Ми зателефонуємо, щоб узгодити час.",
    date: "Дата",
    time: "Час",
    engineer: "Майстер",
    booked_by_you: "Цей час обрали ви.",
    move_to: "Або перенесіть на інший час:",
    cancel: "Скасувати візит",
    too_late: "Візит уже скоро, тож змінити його тут не можна. Зателефонуйте нам.",
    closed: "Для цього візиту вже нічого обирати. Дякуємо!",
    expired: "Термін дії посилання минув. Зателефонуйте нам, щоб узгодити час.",
    unknown: "Це посилання не відкриває жодного візиту. Перевірте його або зателефонуйте нам.",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Uk => &UK,
    }
}

/// The slots, a day to a heading, each a one-tap form.
fn slot_list(token: &str, p: &ChoicePage, slots: &[Offered]) -> Markup {
    let tz = p.timezone;
    let mut days: Vec<(String, Vec<&Offered>)> = vec![];
    for s in slots {
        let day = format::date(format::local_day(s.start, tz), p.locale);
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(s),
            _ => days.push((day, vec![s])),
        }
    }
    html! {
        @for (day, list) in &days {
            h2 { (day) }
            ul.slots style="list-style:none;padding:0;margin:0" {
                @for s in list {
                    li {
                        form method="post" action={ "/c/" (token) "/book" } {
                            input type="hidden" name="engineer_id" value=(s.engineer_id);
                            input type="hidden" name="start" value=(s.start.to_rfc3339());
                            button type="submit" {
                                span.time { (format::window(s.start, s.end, tz)) }
                                @if !s.engineer.is_empty() { " · " span.who { (s.engineer) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn page_markup(token: &str, p: &ChoicePage, error: Option<&str>) -> Markup {
    let w = words(p.locale);
    let tz = p.timezone;
    let (title, body) = match &p.state {
        Choice::Open(slots) => (
            w.title,
            html! {
                @if slots.is_empty() { p.note role="status" { (w.none) } }
                @else { p { (w.intro) } (slot_list(token, p, slots)) }
            },
        ),
        Choice::Booked {
            start,
            end,
            engineer,
            changeable,
            by_customer,
            slots,
        } => (
            w.booked_title,
            html! {
                dl {
                    dt { (w.date) } dd { (format::date(format::local_day(*start, tz), p.locale)) }
                    dt { (w.time) } dd { (format::window(*start, *end, tz)) }
                    @if !engineer.is_empty() { dt { (w.engineer) } dd { (engineer) } }
                }
                @if *by_customer { p.note role="status" { (w.booked_by_you) } }
                @if *changeable {
                    form method="post" action={ "/c/" (token) "/cancel" } {
                        button.secondary type="submit" { (w.cancel) }
                    }
                    @if !slots.is_empty() {
                        p { (w.move_to) }
                        (slot_list(token, p, slots))
                    }
                } @else {
                    p.note { (w.too_late) }
                }
            },
        ),
        Choice::Closed(_) => (w.booked_title, html! { p.note { (w.closed) } }),
    };
    let markup = html! {
        p { (p.company) }
        h1 { (title) }
        p.what { (p.service) br; (p.address) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        (body)
    };
    layout(p.locale.as_str(), title, markup)
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
    match self_scheduling::page(&state.database, state.config(), &token).await {
        Ok(p) => respond(status, page_markup(&token, &p, error.as_deref())),
        Err(e) => error_page(state, &e),
    }
}

/// The slots to choose from, or the visit booked.
#[get("/c/{token}")]
pub async fn page(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    show(&state, token.into_inner(), StatusCode::OK, None).await
}

/// The slot the customer tapped.
#[derive(Deserialize)]
pub struct ChosenSlot {
    pub engineer_id: String,
    pub start: DateTime<Utc>,
}

/// After a change, back to the page (post, redirect, get); a refusal shows the
/// page again with fresh slots and says why.
async fn answer(state: &AppState, token: String, result: Result<(), AppError>) -> HttpResponse {
    match result {
        Ok(()) => answered(&format!("/c/{token}")),
        Err(AppError::Conflict { message, .. }) => {
            show(state, token, StatusCode::CONFLICT, Some(message)).await
        }
        Err(AppError::Invalid(v)) => {
            show(
                state,
                token,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(v.message),
            )
            .await
        }
        Err(e) => error_page(state, &e),
    }
}

/// The customer books (or moves the visit to) a slot.
#[post("/c/{token}/book")]
pub async fn book(
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<ChosenSlot>,
) -> HttpResponse {
    let token = token.into_inner();
    let ChosenSlot { engineer_id, start } = form.into_inner();
    let result = self_scheduling::choose(
        &state.database,
        state.config(),
        state.customer_actor(),
        &token,
        &engineer_id,
        start,
    )
    .await;
    answer(&state, token, result).await
}

/// The customer cancels their visit.
#[post("/c/{token}/cancel")]
pub async fn cancel(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    let result = self_scheduling::cancel(
        &state.database,
        state.config(),
        state.customer_actor(),
        &token,
    )
    .await;
    answer(&state, token, result).await
}
