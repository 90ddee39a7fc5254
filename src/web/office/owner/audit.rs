//! The audit trail page: who changed what, when and from where, newest first.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use crate::api::auth::caller::OwnerOnly;
use crate::api::state::AppState;
use crate::store::audit;
use crate::store::page::PageRequest;
use crate::web::office::page::{filters, frame, pager, when, Page, PageError};

#[derive(Deserialize)]
struct Filters {
    cursor: Option<String>,
    user_id: Option<String>,
}

#[get("/office/audit")]
pub async fn list(
    page: Page<OwnerOnly>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let Filters { cursor, user_id } = filters::<Filters>(&req)?;
    let request = PageRequest { limit: 100, cursor };
    let user = user_id.filter(|u| !u.is_empty());
    let trail = state
        .db(move |c| audit::list(c, user.as_deref(), &request))
        .await?;
    let (w, tz) = (page.w, page.tz);
    let body = html! {
        table {
            thead { tr {
                th { (w.audit_when) } th { (w.audit_who) } th { (w.audit_what) }
                th { (w.audit_answer) } th { (w.audit_from) }
            } }
            tbody {
                @for e in &trail.items {
                    tr {
                        td { (when(e.at, tz)) }
                        td {
                            @match (&e.user_id, &e.user_name) {
                                (Some(id), Some(name)) => a href={ "/office/audit?user_id=" (id) } { (name) },
                                _ => span.muted { (w.audit_nobody) },
                            }
                        }
                        td { code { (e.method) " " (e.path) } }
                        td.num { (e.status) }
                        td {
                            (e.address)
                            @if let Some(f) = &e.forwarded_for { span.muted { " (" (f) ")" } }
                            @if let Some(agent) = &e.user_agent { br; small.muted { (agent) } }
                        }
                    }
                }
            }
        }
        (pager(&req, trail.next_cursor.as_deref(), w))
    };
    Ok(frame(&page, w.menu_audit, body))
}
