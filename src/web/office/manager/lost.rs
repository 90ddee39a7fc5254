//! The lost-customers list: whom the company is about to forget, most urgent
//! reasons first, with a spreadsheet export.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::html;

use crate::api::auth::caller::Managers;
use crate::api::state::AppState;
use crate::flow::lost::{self, LostFilter, LostRules};
use crate::web::office::page::{badge, code_select, day, filters, frame, when, Page, PageError};

/// Rows on the page; the export and `?limit=` give more.
const SHOWN: i64 = 200;

#[get("/office/lost")]
pub async fn list(
    page: Page<Managers>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let filter: LostFilter = filters(&req)?;
    let limit = filter.limit.unwrap_or(SHOWN).clamp(1, 5000) as usize;
    let rules = LostRules::of(&page.caller.actor(&state), &state.config());
    let segment = filter.segment.map(|s| s.as_str());
    let reason = filter.reason.map(|r| r.as_str());
    let city = filter.city.clone();
    let rows = state
        .db(move |c| lost::lost_customers(c, &rules, &filter, limit))
        .await?;
    let w = page.w;
    let tz = page.tz;
    let export = crate::api::extract::with_param(req.query_string(), "format", Some("csv"));
    let body = html! {
        form.filters method="get" action="/office/lost" {
            (code_select("reason", w.lost_reason, &["maintenance_overdue", "declined", "inactive"], reason, w))
            (code_select("segment", w.segment, &["b2c", "b2b"], segment, w))
            label { (w.address) input name="city" value=[city.as_deref()]; }
            button type="submit" { (w.filter) }
            a.button href={ "/api/v1/lost-customers?" (export) } { (w.export_csv) }
        }
        @if rows.is_empty() { p.muted { (w.nothing) } } @else {
            table {
                thead { tr { th { (w.customer) } th { (w.lost_reason) } th { (w.since) } th { (w.last_contact) } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { a href={ "/office/customers/" (r.customer_id) } { (r.name) } br; span.small.muted { (r.city.as_deref().unwrap_or("")) } }
                            td { (badge(r.reason.as_str(), w)) br; span.small { (r.detail) } }
                            td { @if let Some(d) = r.since { (day(d, w)) } }
                            td.small { @if let Some(at) = r.last_contact_at { (when(at, tz)) } " " (r.owner_name.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
            @if rows.len() == limit { p.muted { (w.more_in_export) } }
        }
    };
    Ok(frame(&page, w.menu_lost, body))
}
