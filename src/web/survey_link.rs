//! `/s/{token}`: "would you recommend us?" — eleven buttons, 0 to 10, and a
//! comment, behind the signed link the survey message carries. No login, no script.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use maud::html;
use serde::Deserialize;

use super::visit_link::{answered, layout, link_error, respond};
use crate::api::state::AppState;
use crate::core::notice::Locale;
use crate::error::AppError;
use crate::flow::surveys::{self, SurveyPage};

struct Words {
    title: &'static str,
    question: &'static str,
    unlikely: &'static str,
    likely: &'static str,
    comment: &'static str,
    send: &'static str,
    thanks: &'static str,
    expired: &'static str,
    unknown: &'static str,
}

const EN: Words = Words {
    title: "Would you recommend us?",
    question: "How likely are you to recommend us to a friend or colleague?",
    unlikely: "0: not at all",
    likely: "10: certainly",
    comment: "Anything you would like to tell us? (optional)",
    send: "Send",
    thanks: "Thank you for your answer! You may change it while this link is open.",
    expired: "This link has expired. Thank you all the same!",
    unknown: "This link does not open any question. Please check it.",
};

const UK: Words = Words {
    title: "Чи порекомендуєте ви нас?",
    question: "Наскільки ймовірно, що ви порекомендуєте нас друзям чи колегам?",
    unlikely: "0: зовсім ні",
    likely: "10: безумовно",
    comment: "Хочете щось нам сказати? (необов'язково)",
    send: "Надіслати",
    thanks: "Дякуємо за відповідь! Її можна змінити, поки посилання дійсне.",
    expired: "Термін дії посилання минув. Дякуємо все одно!",
    unknown: "Це посилання не відкриває жодного питання. Перевірте його.",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Uk => &UK,
    }
}

fn survey_page(token: &str, s: &SurveyPage, error: Option<&str>) -> maud::Markup {
    let w = words(s.locale);
    let body = html! {
        p { (s.company) }
        h1 { (w.title) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        @if s.score.is_some() { p.note role="status" { (w.thanks) } }
        form method="post" action={ "/s/" (token) } {
            fieldset style="border:0;padding:0" {
                legend { (w.question) }
                p style="display:flex;justify-content:space-between;color:#666;font-size:.85rem" {
                    span { (w.unlikely) } span { (w.likely) }
                }
                div style="display:grid;grid-template-columns:repeat(6,1fr);gap:.4rem" {
                    @for n in 0..=10 {
                        label style="text-align:center;border:1px solid #0a5;border-radius:.5rem;padding:.6rem 0" {
                            input type="radio" name="score" value=(n) required checked[s.score == Some(n)];
                            br; (n)
                        }
                    }
                }
            }
            label for="comment" { (w.comment) }
            textarea id="comment" name="comment" maxlength="2000" { (s.comment.clone().unwrap_or_default()) }
            button type="submit" { (w.send) }
        }
    };
    layout(s.locale.as_str(), w.title, body)
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
    match state.db(move |c| surveys::open(c, &m, &t)).await {
        Ok(s) => respond(status, survey_page(&token, &s, error.as_deref())),
        Err(e) => error_page(state, &e),
    }
}

/// The question behind the link.
#[get("/s/{token}")]
pub async fn page(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    show(&state, token.into_inner(), StatusCode::OK, None).await
}

/// The customer's answer.
#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    pub score: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Records the answer, then shows the page again (post, redirect, get).
#[post("/s/{token}")]
pub async fn answer(
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> HttpResponse {
    let token = token.into_inner();
    let form = form.into_inner();
    let score = form
        .score
        .as_deref()
        .and_then(|s| s.trim().parse::<i32>().ok());
    let m = state.config().messaging.clone();
    let t = token.clone();
    let result = state
        .db(move |c| surveys::answer(c, &m, &t, score, form.comment.as_deref()))
        .await;
    match result {
        Ok(()) => answered(&format!("/s/{token}")),
        Err(AppError::Invalid(v)) => {
            show(
                &state,
                token,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(v.message),
            )
            .await
        }
        Err(e) => error_page(&state, &e),
    }
}
