//! Customer search and the full customer card: everything a manager needs on
//! one screen before calling the customer.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use crate::api::auth::caller::Managers;
use crate::api::state::AppState;
use crate::core::consumption::{Consumption, MeterUse};
use crate::core::customer::Customer;
use crate::core::ids::CustomerId;
use crate::core::plan::MaintenancePlan;
use crate::core::work_order::{scope_summary, WorkOrder};
use crate::error::AppError;
use crate::flow::views::{self, CustomerCard};
use crate::store::certificates::CertificateRow;
use crate::store::customers::{self, CustomerFilter};
use crate::store::page::PageRequest;
use crate::web::office::page::{
    badge, day, filters, form_error, frame, money, pager, when, Page, PageError,
};
use crate::web::office::words::Words;

use super::records;

#[derive(Deserialize)]
struct Cursor {
    cursor: Option<String>,
}

#[get("/office/customers")]
pub async fn search(
    page: Page<Managers>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let filter: CustomerFilter = filters(&req)?;
    let cursor = filters::<Cursor>(&req)?.cursor;
    let q = filter.q.clone();
    let request = PageRequest { limit: 50, cursor };
    let list = state
        .db(move |c| customers::list(c, &filter, &request))
        .await?;
    let w = page.w;
    let body = html! {
        div.toolbar {
            form.filters method="get" action="/office/customers" role="search" {
                label { (w.search)
                    input type="search" name="q" value=[q.as_deref()] placeholder=(w.search_hint) autofocus; }
                button type="submit" { (w.search) }
            }
            (records::new_customer(w))
        }
        @if list.items.is_empty() {
            p.muted { (w.nothing) }
        } @else {
            table {
                thead { tr { th { (w.name) } th { (w.segment) } th { (w.note) } } }
                tbody { @for c in &list.items { (customer_row(c, w)) } }
            }
        }
        (pager(&req, list.next_cursor.as_deref(), w))
    };
    Ok(frame(&page, w.menu_customers, body))
}

fn customer_row(c: &Customer, w: &Words) -> Markup {
    html! {
        tr {
            td { a href={ "/office/customers/" (c.id) } { (c.fields.name) } }
            td { (segment(c.fields.segment.as_str(), w)) }
            td.muted.small { (c.fields.legal_name.as_deref().unwrap_or("")) " " (c.fields.tags.join(", ")) }
        }
    }
}

fn segment(code: &str, w: &Words) -> &'static str {
    if code == "b2b" {
        w.b2b
    } else {
        w.b2c
    }
}

/// The card with the plans and certificates the API's card leaves to other routes.
struct FullCard {
    card: CustomerCard,
    plans: Vec<MaintenancePlan>,
    certificates: Vec<CertificateRow>,
    consumption: Consumption,
}

#[get("/office/customers/{id}")]
pub async fn card(
    page: Page<Managers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (tz, locale) = (page.tz, page.lang.locale());
    let id: CustomerId = AppError::known_id(&id)?;
    let full = state
        .db(move |c| {
            let card = views::customer_card(c, &id)?.in_words(tz, locale);
            let plans = crate::store::plans::for_customer(c, &card.customer.id)?
                .into_iter()
                .map(crate::flow::plans::view)
                .collect::<Result<Vec<_>, _>>()?;
            let ids: Vec<String> = card
                .open_orders
                .iter()
                .chain(&card.past_orders)
                .map(|o| o.id.to_string())
                .collect();
            let certificates = crate::store::certificates::for_orders(c, &ids)?;
            let consumption = crate::flow::consumption::of_customer(c, &card.customer.id)?;
            Ok(FullCard {
                card,
                plans,
                certificates,
                consumption,
            })
        })
        .await?;
    let w = page.w;
    let tz = page.tz;
    let FullCard {
        card,
        plans,
        certificates,
        consumption,
    } = full;
    let c = &card.customer;
    let today = page.caller.actor(&state).today();
    let body = html! {
        div.toolbar {
            span { (badge(c.fields.kind.as_str(), w)) " " (segment(c.fields.segment.as_str(), w)) }
            @if let Some(legal) = &c.fields.legal_name { span.muted { (legal) } }
            @if let Some(tax) = &c.fields.tax_id { span.muted { (tax) } }
            @for tag in &c.fields.tags { span.badge { (tag) } }
            a.button.primary href={ "/office/customers/" (c.id) "/orders/new" } { (w.new_order) }
            (records::customer_tools(c, w))
            details.act {
                summary { (w.record_agreement) }
                form data-api={ "/api/v1/customers/" (c.id) "/agreements" } {
                    label { (w.kind) select name="kind" {
                        @for k in ["discount", "future_work", "terms"] { option value=(k) { (w.code(k)) } } } }
                    label { (w.agreement_text) textarea name="text" required {} }
                    div.row {
                        label { (w.amount) input name="amount" data-type="money" inputmode="decimal"; }
                        label { (w.percent) input name="percent" data-type="number" inputmode="decimal"; }
                    }
                    div.row {
                        label { (w.valid_until) input type="date" name="valid_until"; }
                        label { (w.follow_up_on) input type="date" name="follow_up_on"; }
                    }
                    (form_error())
                    button.primary type="submit" { (w.save) }
                }
            }
        }
        @if let Some(notes) = &c.fields.notes { p.card { (notes) } }
        div.cols {
            div {
                section.card aria-labelledby="open-orders" {
                    h2 #open-orders { (w.open_orders) }
                    (orders(&card.open_orders, w))
                }
                section.card aria-labelledby="certs" {
                    h2 #certs { (w.certificates) }
                    @if certificates.is_empty() { p.muted { (w.nothing) } }
                    ul.plain {
                        @for cert in &certificates {
                            li { a href={ "/api/v1/work-orders/" (cert.work_order_id) "/certificate" } { "№ " (cert.number) }
                                 " · " span.muted { (when(crate::store::utc(cert.created_at), tz)) }
                                 " · " a href={ "/office/orders/" (cert.work_order_id) } { (w.order) } }
                        }
                    }
                }
                section.card aria-labelledby="past-orders" {
                    h2 #past-orders { (w.past_orders) }
                    (orders(&card.past_orders, w))
                }
                section.card aria-labelledby="timeline" {
                    h2 #timeline { (w.timeline) }
                    ul.plain.timeline {
                        @for e in &card.timeline {
                            li { span.muted { (when(e.occurred_at, tz)) } " · "
                                 strong { (w.code(&e.action)) } " " (w.code(&e.entity_type))
                                 @if let Some(who) = &e.actor_name { " · " span.muted { (who) } }
                                 @else if e.changes["by"] == "customer" { " · " span.muted.by-customer { (w.by_customer) } } }
                        }
                    }
                }
            }
            div {
                section.card aria-labelledby="next-due" {
                    h2 #next-due { (w.next_due) }
                    @if let Some(r) = &card.next_due {
                        p { strong class=[(r.due_on < today).then_some("overdue")] { (day(r.due_on, w)) } " " (badge(r.kind.as_str(), w)) }
                        @if let Some(n) = &r.note { p.small { (n) } }
                    } @else if let Some(p) = plans.iter().filter(|p| p.next_due_on.is_some()).min_by_key(|p| p.next_due_on) {
                        p { strong { (p.next_due_on.map(|d| day(d, w)).unwrap_or_default()) } " " (p.fields.service_kind) }
                    } @else { p.muted { (w.nothing) } }
                    @if card.open_reminders.len() > 1 {
                        h3 { (w.open_reminders) }
                        ul.plain { @for r in &card.open_reminders { li.small { (day(r.due_on, w)) " · " (r.note.as_deref().unwrap_or("")) } } }
                    }
                }
                section.card aria-labelledby="contacts" {
                    div.bar { h2 #contacts { (w.contacts) } (records::add_contact(&c.id, &card.sites, w)) }
                    ul.plain {
                        @for p in &card.contacts {
                            li {
                                div.bar { strong { (p.fields.name) } (records::edit_contact(p, w)) }
                                @if let Some(role) = p.fields.role { " " (badge(role.as_str(), w)) }
                                @for phone in &p.fields.phones { br; a href={ "tel:" (phone) } { (phone) } }
                                @if let Some(mail) = &p.fields.email { br; a href={ "mailto:" (mail) } { (mail) } }
                                @if let Some(a) = &p.fields.availability { br; span.small { (w.availability) ": " (a) } }
                            }
                        }
                    }
                }
                section.card aria-labelledby="sites" {
                    div.bar { h2 #sites { (w.sites) " · " (w.equipment) }
                        span { a.stickers href={ "/api/v1/customers/" (c.id) "/stickers" } download="stickers.pdf" { (w.print_stickers) } " " (records::add_site(&c.id, w)) } }
                    @for s in &card.sites {
                        div.bar { h3 { (s.fields.label.as_deref().unwrap_or(&s.fields.address_line1)) } (records::add_equipment(&s.id, w)) }
                        p.small { (s.fields.address_line1) ", " (s.fields.city)
                            @if let Some(a) = &s.fields.access_notes { br; span.muted { (w.access_notes) ": " (a) } } }
                        ul.plain {
                            @for e in card.equipment.iter().filter(|e| e.fields.site_id == s.id) {
                                li.small {
                                    strong { (e.fields.kind) } " " (e.fields.model.as_deref().unwrap_or(""))
                                    @if let Some(sn) = &e.fields.serial_number { " · " (sn) }
                                    @if let Some(d) = e.fields.installed_on { br; span.muted { (w.installed_on) " " (d) } }
                                    @for p in plans.iter().filter(|p| p.equipment_id == e.id) {
                                        br; span { (p.fields.service_kind) }
                                        @if let Some(next) = p.next_due_on { " · " (w.next_due) " " (day(next, w)) }
                                    }
                                    @for m in consumption.meters.iter().filter(|m| m.meter.equipment_id == e.id) {
                                        br; (meter_use(m, w))
                                    }
                                    br; (records::add_plan(&e.id, w)) " " (records::sticker_actions(&e.id, w))
                                }
                            }
                        }
                    }
                }
                section.card aria-labelledby="agreements" {
                    h2 #agreements { (w.agreements) }
                    @if card.agreements.is_empty() { p.muted { (w.nothing) } }
                    ul.plain {
                        @for a in &card.agreements {
                            li.small { (badge(a.kind.as_str(), w)) " " (badge(a.status.as_str(), w)) " " (a.text)
                                @if let Some(m) = a.amount { " · " (money(m, &a.currency)) }
                                @if let Some(p) = a.percent { " · " (p) "%" }
                                @if let Some(v) = a.valid_until { br; span.muted { (w.valid_until) " " (v) } } }
                        }
                    }
                }
            }
        }
    };
    Ok(frame(&page, &c.fields.name, body))
}

/// A meter's line on the card: its last reading, its use a day and over the
/// last 30 days, and the units left to each plan by use it counts for.
fn meter_use(m: &MeterUse, w: &Words) -> Markup {
    let unit = &m.unit;
    let name = m.meter.fields.name.as_deref().unwrap_or(unit);
    html! {
        span.meter {
            (name) ": "
            @if let Some(last) = &m.meter.last { (units(last.value)) " " (unit) } @else { span.muted { (w.no_readings) } }
            @if let Some(rate) = m.meter.daily_rate { " · " (units(rate)) " " (unit) (w.per_day) }
            @if let Some(month) = m.last_30_days { " · " (units(month)) " " (unit) " " (w.in_30_days) }
            @for p in &m.plans {
                @if let Some(left) = p.units_left { " · " (w.units_left) " " (units(left)) " " (unit) }
                @if let Some(on) = p.forecast_on { " · " (w.forecast) " " (day(on, w)) }
            }
        }
    }
}

/// A meter's figure for people: whole units when large, one decimal when small.
fn units(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A short table of orders.
pub fn orders(list: &[WorkOrder], w: &Words) -> Markup {
    html! {
        @if list.is_empty() { p.muted { (w.nothing) } } @else {
            table {
                thead { tr { th { (w.order) } th { (w.status) } th { (w.scope) } th.num { (w.total) } } }
                tbody {
                    @for o in list {
                        tr {
                            td { a href={ "/office/orders/" (o.id) } { (o.created_at.format("%d.%m.%Y")) } }
                            td { (badge(o.status.as_str(), w)) }
                            td { (scope_summary(&o.scope_lines)) }
                            td.num { (money(o.total, &o.currency)) }
                        }
                    }
                }
            }
        }
    }
}
