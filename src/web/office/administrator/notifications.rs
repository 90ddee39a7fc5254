//! The outbox as administrators see it: every SMS and e-mail with its
//! delivery state, failures first to hand, and "send again".

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use crate::api::auth::caller::Dispatchers;
use crate::api::state::AppState;
use crate::store::notifications::{self, NotificationFilter};
use crate::store::page::PageRequest;
use crate::web::office::page::{
    badge, code_select, filters, form_error, frame, pager, when, Page, PageError,
};

#[derive(Deserialize)]
struct Cursor {
    cursor: Option<String>,
}

#[get("/office/notifications")]
pub async fn list(
    page: Page<Dispatchers>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let filter: NotificationFilter = filters(&req)?;
    let cursor = filters::<Cursor>(&req)?.cursor;
    let status = filter.status.map(|s| s.as_str());
    let channel = filter.channel.map(|c| c.as_str());
    let request = PageRequest { limit: 50, cursor };
    let list = state
        .db(move |c| notifications::list(c, &filter, &request))
        .await?;
    let w = page.w;
    let tz = page.tz;
    let body = html! {
        form.filters method="get" action="/office/notifications" {
            (code_select("status", w.status, &["queued", "sending", "sent", "failed", "dead", "suppressed"], status, w))
            (code_select("channel", w.channel, &["sms", "email"], channel, w))
            button type="submit" { (w.filter) }
            a href="/office/notifications?status=dead" { (w.failures_only) }
        }
        @if list.items.is_empty() { p.muted { (w.nothing) } } @else {
            table {
                thead { tr { th { (w.when) } th { (w.channel) } th { (w.recipient) } th { (w.body) } th { (w.status) } th { (w.actions) } } }
                tbody {
                    @for n in &list.items {
                        tr {
                            td.small { (when(n.created_at, tz)) }
                            td { (badge(n.channel.as_str(), w)) br; span.small.muted { (w.code(n.event.as_str())) } }
                            td.small { (n.recipient) }
                            td.small { @if let Some(s) = &n.subject { strong { (s) } br; } (n.body) }
                            td { (badge(n.status.as_str(), w))
                                 @if n.attempts > 0 { br; span.small.muted { (w.attempts) ": " (n.attempts) } }
                                 @if let Some(e) = &n.last_error { br; span.small.error { (e) } } }
                            td {
                                @if matches!(n.status.as_str(), "failed" | "dead") {
                                    form data-api={ "/api/v1/notifications/" (n.id) "/retry" } {
                                        (form_error())
                                        button type="submit" { (w.retry) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (pager(&req, list.next_cursor.as_deref(), w))
    };
    Ok(frame(&page, w.menu_notifications, body))
}
