//! The manager's reminders inbox: due soonest first, filtered, and each one
//! converted into a work order, snoozed or dismissed where it stands.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use crate::api::auth::caller::Managers;
use crate::api::state::AppState;
use crate::core::contact_info::readable_phone;
use crate::core::reminder::{Reminder, ReminderKind};
use crate::flow::stickers::{self, ServiceRequest};
use crate::store::reminders::{self as store, ReminderFilter};
use crate::web::office::page::{
    badge, code_select, day, filters, form_error, frame, pager, popup, Page, PageError,
};

/// One page of the inbox.
const PAGE: i64 = 50;

#[derive(Deserialize)]
struct Cursor {
    cursor: Option<String>,
}

#[get("/office/reminders")]
pub async fn inbox(
    page: Page<Managers>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let filter: ReminderFilter = filters(&req)?;
    let cursor = crate::api::extract::parse_query::<Cursor>(req.query_string())?
        .cursor
        .filter(|c| store::parse_cursor(c).is_some());
    let today = page.caller.actor(&state).today();
    let status = filter.status.map(|s| s.as_str());
    let kind = filter.kind.map(|k| k.as_str());
    let segment = filter.segment.map(|s| s.as_str());
    let city = filter.city.clone();
    let due_before = filter.due_before;
    let mut list = state
        .db(move |c| store::inbox(c, &filter, today, PAGE, cursor.as_deref()))
        .await?;
    let (tz, locale) = (page.tz, page.lang.locale());
    list.items = list
        .items
        .into_iter()
        .map(|r| r.in_words(tz, locale))
        .collect();
    let asked: Vec<String> = list
        .items
        .iter()
        .filter(|r| r.kind == ReminderKind::ServiceRequest)
        .map(|r| r.id.to_string())
        .collect();
    let requests = if asked.is_empty() {
        Vec::new()
    } else {
        state.db(move |c| stickers::of_reminders(c, &asked)).await?
    };
    let w = page.w;
    let body = html! {
        form.filters method="get" action="/office/reminders" {
            (code_select("status", w.status, &["open", "snoozed", "converted", "dismissed"], status, w))
            (code_select("kind", w.kind, &["maintenance", "follow_up", "agreement", "service_request", "device_alert", "customer_request", "overdue_visit", "not_certified"], kind, w))
            (code_select("segment", w.segment, &["b2c", "b2b"], segment, w))
            label { (w.address) input name="city" value=[city.as_deref()]; }
            label { (w.due_to) input type="date" name="due_before" value=[due_before.map(|d| d.to_string())]; }
            button type="submit" { (w.filter) }
        }
        @if list.items.is_empty() {
            p.muted { (w.nothing) }
        } @else {
            table {
                thead { tr { th { (w.due) } th { (w.customer) } th { (w.kind) } th { (w.note) } th { (w.actions) } } }
                tbody {
                    @for r in &list.items {
                        (row(r, requests.iter().find(|q| q.reminder_id == r.id), today, w))
                    }
                }
            }
        }
        (pager(&req, list.next_cursor.as_deref(), w))
    };
    Ok(frame(&page, w.menu_reminders, body))
}

fn row(
    r: &Reminder,
    request: Option<&ServiceRequest>,
    today: chrono::NaiveDate,
    w: &crate::web::office::words::Words,
) -> maud::Markup {
    let open = r.converted_work_order_id.is_none() && r.dismiss_reason.is_none();
    html! {
        tr id={ "reminder-" (r.id) } {
            td class=[(r.due_on < today).then_some("overdue")] {
                (day(r.due_on, w))
                @if r.due_on < today { br; span.small { (w.overdue) } }
            }
            td { a href={ "/office/customers/" (r.customer_id) } { (r.customer_name.as_deref().unwrap_or("—")) } }
            td { (badge(r.kind.as_str(), w)) " " @if r.status.as_str() != "open" { (badge(r.status.as_str(), w)) } }
            td {
                (r.note.as_deref().unwrap_or(""))
                @if let Some(q) = request {
                    br; span.small.muted { (q.equipment) }
                    @if let Some(phone) = &q.callback_phone {
                        br; span.small { (w.callback) ": " a href={ "tel:" (phone) } { (readable_phone(phone)) } }
                    }
                    @if q.has_photo {
                        br; a.small href={ "/api/v1/reminders/" (r.id) "/photo" } target="_blank" rel="noopener" { (w.photo) }
                    }
                }
            }
            td {
                @if let Some(order) = &r.converted_work_order_id {
                    a href={ "/office/orders/" (order) } { (w.order) }
                } @else if open {
                    (popup(w.convert, html! {
                        form data-api={ "/api/v1/reminders/" (r.id) "/convert" } data-next="/office/orders/{id}" {
                            label { (w.priority)
                                select name="priority" {
                                    @for p in ["normal", "high", "urgent", "low"] { option value=(p) { (w.code(p)) } }
                                }
                            }
                            (form_error())
                            button.primary type="submit" { (w.convert) }
                        }
                    }))
                    " "
                    (popup(w.snooze, html! {
                        form data-api={ "/api/v1/reminders/" (r.id) "/snooze" } {
                            label { (w.snooze_until) input type="date" name="until" required min=(today.succ_opt().unwrap_or(today).to_string()); }
                            (form_error())
                            button.primary type="submit" { (w.snooze) }
                        }
                    }))
                    " "
                    (popup(w.dismiss, html! {
                        form data-api={ "/api/v1/reminders/" (r.id) "/dismiss" } {
                            label { (w.dismiss_reason) input name="reason" required; }
                            (form_error())
                            button.danger type="submit" { (w.dismiss) }
                        }
                    }))
                }
            }
        }
    }
}
