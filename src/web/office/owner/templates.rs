//! Message templates: each event's SMS and e-mail in each language, edited
//! with a preview on sample data, and put back to the default.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use crate::api::auth::caller::OwnerOnly;
use crate::api::state::AppState;
use crate::flow::templates;
use crate::web::office::page::{filters, form_error, frame, Page, PageError};

#[derive(Deserialize)]
struct Chosen {
    /// `event/channel/locale`.
    t: Option<String>,
}

#[get("/office/templates")]
pub async fn list(
    page: Page<OwnerOnly>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let chosen = filters::<Chosen>(&req)?.t;
    let all = state.db(templates::all).await?;
    let key = |t: &templates::Template| {
        format!(
            "{}/{}/{}",
            t.event.as_str(),
            t.channel.as_str(),
            t.locale.as_str()
        )
    };
    let current = all
        .iter()
        .find(|t| chosen.as_deref() == Some(key(t).as_str()))
        .or(all.first());
    let w = page.w;
    let body = html! {
        div.cols {
            div {
                @if let Some(t) = current {
                    @let url = format!("/api/v1/notification-templates/{}", key(t));
                    form.card data-api=(url) data-method="PUT" {
                        h2 { (w.code(t.event.as_str())) " · " (w.code(t.channel.as_str())) " · " (t.locale.as_str()) }
                        @if t.channel.as_str() == "email" {
                            label { (w.subject) input name="subject" value=[t.subject.as_deref()]; }
                        }
                        label { (w.body) textarea name="body" rows="6" { (t.body) } }
                        p.small.muted { @for v in &t.variables { code { "{{" (v) "}}" } " " } }
                        (form_error())
                        button.primary type="submit" { (w.save) }
                        " "
                        button type="submit" data-api={ (url) "/preview" } data-method="POST" data-result="#preview" { (w.preview) }
                        @if t.edited {
                            " "
                            button.danger type="submit" data-api=(url) data-method="DELETE" data-skip-body { (w.reset_default) }
                        }
                    }
                    section.card {
                        h2 { (w.preview) }
                        div.preview #preview aria-live="polite" {}
                    }
                }
            }
            section.card {
                ul.plain {
                    @for t in &all {
                        li { a href={ "/office/templates?t=" (key(t)) } aria-current=[current.is_some_and(|c| key(c) == key(t)).then_some("true")] {
                            (w.code(t.event.as_str())) " · " (w.code(t.channel.as_str())) " · " (t.locale.as_str()) }
                            @if t.edited { " " span.badge.s-new { (w.customised) } } }
                    }
                }
            }
        }
    };
    Ok(frame(&page, w.menu_templates, body))
}
