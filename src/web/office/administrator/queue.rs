//! The scheduling queue: each waiting order as the short extract an
//! administrator books from (scope, duration, address, contact, wishes).

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use crate::api::auth::caller::Dispatchers;
use crate::api::state::AppState;
use crate::flow::self_scheduling;
use crate::flow::views;
use crate::web::office::page::{badge, filters, form_error, frame, when, Page, PageError};

#[derive(Deserialize)]
struct Limit {
    limit: Option<i64>,
}

#[get("/office/queue")]
pub async fn queue(
    page: Page<Dispatchers>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let limit = filters::<Limit>(&req)?.limit.unwrap_or(100).clamp(1, 500);
    let (items, choosing) = state
        .db(move |c| {
            Ok((
                views::scheduling_queue(c, limit)?,
                self_scheduling::waiting(c)?,
            ))
        })
        .await?;
    let invited = |id: &str| choosing.iter().any(|(o, _)| *o == *id);
    let w = page.w;
    let tz = page.tz;
    let body = html! {
        div.toolbar {
            p.muted { (w.queue_hint)
                @if !choosing.is_empty() { br; (w.awaiting_choice) ": " strong #choosing { (choosing.len()) } } }
            a.button.primary href="/office/plan" { (w.plan_day) }
        }
        @if items.is_empty() { p.muted { (w.nothing) } } @else {
            table {
                thead { tr { th { (w.priority) } th { (w.customer) } th { (w.scope) } th { (w.duration) } th { (w.address) }
                             th { (w.on_site_contact) } th { (w.time_wishes) } th { (w.waiting_since) } } }
                tbody {
                    @for i in &items {
                        tr {
                            td { (badge(i.priority.as_str(), w)) }
                            td { a href={ "/office/orders/" (i.work_order_id) } { (i.customer_name) } }
                            td { (i.scope_summary)
                                 @if !i.required_skills.is_empty() { br; span.small.muted { (i.required_skills.join(", ")) } } }
                            td.num { @if let Some(m) = i.estimated_minutes { (m) " min" } }
                            td { (i.address) ", " (i.city)
                                 @if i.latitude.is_none() { br; (badge("no_coordinates", w)) }
                                 @if let Some(a) = &i.access_notes { br; span.small.muted { (a) } } }
                            td { @if let Some(c) = &i.on_site_contact {
                                    (c.name) @for p in &c.phones { br; a href={ "tel:" (p) } { (p) } }
                                    @if let Some(a) = &c.availability { br; span.small.muted { (a) } } } }
                            td.small { (i.time_wishes.as_deref().unwrap_or(""))
                                 @if let Some(r) = &i.status_reason { br; span.muted { (r) } } }
                            td.small { (when(i.waiting_since, tz))
                                @if invited(&i.work_order_id) { br; (badge("customer_choosing", w)) }
                                form data-api={ "/api/v1/work-orders/" (i.work_order_id) "/choice-link" } {
                                    (form_error())
                                    button.small type="submit" {
                                        @if invited(&i.work_order_id) { (w.remind_choice) } @else { (w.send_choice_link) }
                                    }
                                } }
                        }
                    }
                }
            }
            @if items.len() as i64 == limit {
                p { a href={ "/office/queue?limit=" ((limit * 2).min(500)) } { (w.next_page) } }
            }
        }
    };
    Ok(frame(&page, w.menu_queue, body))
}
