//! A work order on one page: its scope, visits and certificate, and the forms
//! of the actions the visitor's roles may take now (agree, hand over, book,
//! certify, close, postpone, cancel). Also the form that opens a new order.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup};
use serde_json::json;

use crate::api::auth::caller::{Managers, OfficeStaff};
use crate::api::state::AppState;
use crate::core::agreement::{Agreement, AgreementStatus};
use crate::core::ids::{CustomerId, WorkOrderId};
use crate::core::role::Role;
use crate::core::work_order::{Action, ScopeLine, FROM_CATALOGUE};
use crate::error::AppError;
use crate::flow::views;
use crate::flow::views::OrderPage;
use crate::store::parts::PartRow;
use crate::web::office::page::{
    badge, clock, day, form_error, frame, json_attr, money, popup, when, Page, PageError,
};
use crate::web::office::words::Words;

/// The scope lines as editable rows; one blank row to add from. Each row
/// keeps its catalogue part (an archived one too, so sending the form again
/// never drops it); a blank price on a part's row takes the catalogue's.
fn lines_table(id: &str, lines: &[ScopeLine], parts: &[PartRow], w: &Words) -> Markup {
    let blank = ScopeLine::work(String::new(), 1.0, FROM_CATALOGUE);
    let rows: Vec<&ScopeLine> = if lines.is_empty() {
        vec![&blank]
    } else {
        lines.iter().collect()
    };
    html! {
        table.lines {
            thead { tr { th { (w.description) } th { (w.st_part) } th { (w.quantity) } th { (w.unit_price) } } }
            tbody #(id) {
                @for (i, l) in rows.iter().enumerate() {
                    tr {
                        td { input name={ "scope_lines[" (i) "].description" } value=(l.description) aria-label=(w.description); }
                        td { select name={ "scope_lines[" (i) "].part_id" } aria-label=(w.st_part) {
                            option value="" { "—" }
                            @if let Some(own) = l.part_id.as_ref().filter(|p| !parts.iter().any(|c| c.id == **p)) {
                                option value=(own) selected { (own) }
                            }
                            @for p in parts {
                                option value=(p.id) selected[l.part_id.as_ref() == Some(&p.id)] { (p.sku) " · " (p.name) }
                            }
                        } }
                        td { input name={ "scope_lines[" (i) "].quantity" } value=(l.quantity) data-type="number" inputmode="decimal" aria-label=(w.quantity); }
                        td { input name={ "scope_lines[" (i) "].unit_price" }
                                value=(if l.unpriced() { String::new() } else { format!("{:.2}", l.unit_price as f64 / 100.0) })
                                data-type="money" inputmode="decimal" aria-label=(w.unit_price); }
                    }
                }
            }
        }
        button type="button" data-add-line={ "#" (id) } { "+ " (w.scope) }
    }
}

/// The active catalogue for a scope's part choice (the first 500 by SKU).
pub(crate) fn catalogue(conn: &mut crate::store::DbConnection) -> Result<Vec<PartRow>, AppError> {
    let filter = crate::store::parts::PartFilter {
        q: None,
        kind: None,
        archived: false,
    };
    let page = crate::store::page::PageRequest {
        limit: 500,
        cursor: None,
    };
    let mut parts = crate::store::parts::list(conn, &filter, &page)?.items;
    parts.sort_by(|a, b| a.sku.cmp(&b.sku));
    Ok(parts)
}

fn priority_select(current: &str, w: &Words) -> Markup {
    html! {
        label { (w.priority) select name="priority" {
            @for p in ["low", "normal", "high", "urgent"] { option value=(p) selected[p == current] { (w.code(p)) } }
        } }
    }
}

#[get("/office/customers/{id}/orders/new")]
pub async fn new_order(
    page: Page<Managers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id: CustomerId = AppError::known_id(&id)?;
    let (card, parts) = state
        .db(move |c| Ok((views::customer_card(c, &id)?, catalogue(c)?)))
        .await?;
    let w = page.w;
    let customer = &card.customer;
    let body = html! {
        form.card data-api="/api/v1/work-orders" data-next="/office/orders/{id}"
            data-json=(json_attr(json!({"customer_id": customer.id}))) {
            p { a href={ "/office/customers/" (customer.id) } { "← " (customer.fields.name) } }
            label { (w.site) select name="site_id" required {
                @for s in &card.sites { option value=(s.id) { (s.fields.address_line1) ", " (s.fields.city) } }
            } }
            fieldset { legend { (w.equipment) }
                @for e in &card.equipment {
                    label.inline { input type="checkbox" name="equipment_ids[]" value=(e.id); (e.fields.kind) " " (e.fields.model.as_deref().unwrap_or("")) }
                }
            }
            h2 { (w.scope) }
            (lines_table("new-lines", &[], &parts, w))
            div.row {
                label { (w.estimated_minutes) input name="estimated_minutes" data-type="int" inputmode="numeric"; }
                (priority_select("normal", w))
                label { (w.skills) input name="required_skills" data-type="list"; }
            }
            label { (w.engineer_notes) textarea name="engineer_notes" {} }
            label { (w.time_wishes) input name="time_wishes"; }
            (form_error())
            button.primary type="submit" { (w.create) }
        }
    };
    Ok(frame(&page, w.new_order, body))
}

#[get("/office/orders/{id}")]
pub async fn order(
    page: Page<OfficeStaff>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id: WorkOrderId = AppError::known_id(&id)?;
    let (data, parts) = state
        .db(move |c| Ok((views::order_page(c, &id)?, catalogue(c)?)))
        .await?;
    let w = page.w;
    let tz = page.tz;
    let o = &data.detail.work_order;
    let may = |a: Action| o.allowed_actions.contains(&a) && a.roles().iter().any(|r| page.has(*r));
    let act = |name: &str| format!("/api/v1/work-orders/{}/actions/{name}", o.id);
    let version = json_attr(json!({"version": o.version}));
    let active: Vec<&Agreement> = data
        .detail
        .agreements
        .iter()
        .filter(|a| a.status == AgreementStatus::Active)
        .collect();
    let today = page.caller.actor(&state).today();
    let body = html! {
        div.cols {
            div {
                section.card {
                    dl.facts {
                        dt { (w.customer) } dd {
                            @if page.has(Role::Manager) || page.has(Role::Owner) {
                                a href={ "/office/customers/" (o.customer_id) } { (data.customer) }
                            } @else { (data.customer) } }
                        dt { (w.status) } dd { (badge(o.status.as_str(), w)) @if let Some(r) = &o.status_reason { " " span.muted { (r) } } }
                        dt { (w.priority) } dd { (badge(o.priority.as_str(), w)) }
                        dt { (w.total) } dd { strong { (money(o.total, &o.currency)) } }
                        @if let Some(m) = o.estimated_minutes { dt { (w.duration) } dd { (m) " min" } }
                        @if !o.required_skills.is_empty() { dt { (w.skills) } dd { (o.required_skills.join(", ")) } }
                        @if let Some(n) = &o.engineer_notes { dt { (w.engineer_notes) } dd { (n) } }
                        @if let Some(t) = &o.time_wishes { dt { (w.time_wishes) } dd { (t) } }
                        @if let Some(s) = &o.completion_summary { dt { (w.summary) } dd { (s) } }
                        @if let Some(s) = &o.next_step { dt { (w.next_step) } dd { (s) } }
                    }
                    h2 { (w.scope) }
                    table {
                        thead { tr { th { (w.description) } th.num { (w.quantity) } th.num { (w.unit_price) } } }
                        tbody { @for l in &o.scope_lines { tr { td { (l.description) } td.num { (l.quantity) } td.num { (money(l.unit_price, &o.currency)) } } } }
                    }
                    @if !data.detail.parts.is_empty() {
                        h2 { (w.st_part) }
                        table #order-parts {
                            thead { tr { th { (w.st_sku) } th { (w.st_part) } th.num { (w.quantity) } th.num { (w.st_reserved) } th { (w.st_location) } } }
                            tbody { @for p in &data.detail.parts { tr {
                                td { a href={ "/office/parts/" (p.part_id) } { (p.sku) } }
                                td { (p.name) }
                                td.num { (p.quantity) " " span.small.muted { (p.unit) } }
                                td.num { (p.reserved) }
                                td { (p.location.as_deref().unwrap_or("—")) }
                            } } }
                        }
                    }
                }
                (site_card(&data, w))
                section.card {
                    h2 { (w.visits) }
                    @if data.detail.visits.is_empty() { p.muted { (w.nothing) } }
                    @for v in &data.detail.visits {
                        div {
                            p { strong { (day(v.planned_start.with_timezone(&tz).date_naive(), w)) " " (clock(v.planned_start, tz)) "–" (clock(v.planned_end, tz)) }
                                " · " (v.engineer_name.as_deref().unwrap_or("")) " " (badge(v.status.as_str(), w)) }
                            @if let Some(n) = &v.result_notes { p.small { (w.result_notes) ": " (n) } }
                            @if let Some(n) = &v.recommendations { p.small { (w.recommendations) ": " (n) } }
                            @for f in &v.files { a href={ "/api/v1/visits/" (v.id) "/files/" (f.id) } { (w.code(f.kind.as_str())) } " " }
                        }
                    }
                }
                @if let Some(cert) = &data.detail.certificate {
                    section.card {
                        h2 { (w.certificate) }
                        p { a.button href={ "/api/v1/work-orders/" (o.id) "/certificate" } { (w.download) " № " (cert.number) } " "
                            span.muted { (when(cert.created_at, tz)) } }
                    }
                }
            }
            div {
                @if may(Action::Agree) {
                    form.card #agree data-api=(act("agree")) data-json=(version) {
                        h2 { (w.agree) }
                        (lines_table("agree-lines", &o.scope_lines, &parts, w))
                        div.row {
                            label { (w.estimated_minutes) input name="estimated_minutes" data-type="int" value=[o.estimated_minutes]; }
                            (priority_select(o.priority.as_str(), w))
                        }
                        label { (w.skills) input name="required_skills" data-type="list" value=(o.required_skills.join(", ")); }
                        label { (w.engineer_notes) textarea name="engineer_notes" { (o.engineer_notes.as_deref().unwrap_or("")) } }
                        label { (w.time_wishes) input name="time_wishes" value=[o.time_wishes.as_deref()]; }
                        (honoured(&active, w))
                        (form_error())
                        button.primary type="submit" { (w.agree) }
                    }
                }
                @if may(Action::SendToScheduling) {
                    form.card data-api=(act("send-to-scheduling")) data-json=(version) {
                        (form_error())
                        button.primary type="submit" { (w.send_to_scheduling) }
                    }
                }
                @if may(Action::Schedule) {
                    form.card data-api=(act("schedule")) data-json=(version) data-force=(w.book_anyway) {
                        h2 { (w.book) }
                        label { (w.engineer) select name="engineer_id" required {
                            @for (id, name) in &data.engineers { option value=(id) { (name) } } } }
                        div.row {
                            label { (w.date) input type="date" name="date" data-skip required value=(today.succ_opt().unwrap_or(today).to_string()); }
                            label { (w.start) input type="time" name="start" data-type="clock" required value="09:00"; }
                            label { (w.end) input type="time" name="end" data-type="clock" required value="10:00"; }
                        }
                        label { (w.on_site_contact) select name="on_site_contact_id" {
                            @for (id, p) in &data.contacts { option value=(id) { (p.name) } } } }
                        (form_error())
                        button.primary type="submit" { (w.book) }
                    }
                }
                @if may(Action::Certify) {
                    form.card data-api=(act("certify")) data-json=(version) {
                        h2 { (w.certify) }
                        label { (w.summary) textarea name="summary" required {} }
                        (form_error())
                        button.primary type="submit" { (w.certify) }
                    }
                }
                @if may(Action::Close) {
                    form.card #close data-api=(act("close")) data-json=(version) {
                        h2 { (w.close_order) }
                        label { (w.next_step) textarea name="next_step" required {} }
                        label { (w.follow_up_reminder) input type="date" name="follow_up_on"; }
                        (honoured(&active, w))
                        (form_error())
                        button.primary type="submit" { (w.close_order) }
                    }
                }
                @if may(Action::Postpone) {
                    details.card {
                        summary { (w.postpone) }
                        form data-api=(act("postpone")) data-json=(version) {
                            label { (w.snooze_until) input type="date" name="until" required; }
                            label { (w.reason) input name="reason" required; }
                            (form_error())
                            button type="submit" { (w.postpone) }
                        }
                    }
                }
                @if may(Action::Reopen) {
                    form.card data-api=(act("reopen")) data-json=(version) {
                        (form_error())
                        button type="submit" { (w.code("reopen")) }
                    }
                }
                @if may(Action::Unschedule) {
                    details.card {
                        summary { (w.unschedule) }
                        form data-api=(act("unschedule")) data-json=(version) {
                            label { (w.reason) input name="reason" required; }
                            (form_error())
                            button type="submit" { (w.unschedule) }
                        }
                    }
                }
                @if may(Action::Cancel) {
                    details.card {
                        summary { (w.cancel) }
                        form data-api=(act("cancel")) data-json=(version) {
                            label { (w.reason) input name="reason" required; }
                            (form_error())
                            button.danger type="submit" { (w.cancel) }
                        }
                    }
                }
            }
        }
    };
    let title = format!("{} · {}", w.order, data.customer);
    Ok(frame(&page, &title, body))
}

/// Where the visit is and who lets the engineer in: the address, the access
/// notes and each contact's availability, which the office keeps current.
fn site_card(data: &OrderPage, w: &Words) -> Markup {
    let site = &data.site;
    html! {
        section.card aria-labelledby="site" {
            div.bar {
                h2 #site { (w.site) ": " (site.fields.address_line1) ", " (site.fields.city) }
                (popup(w.access_notes, html! {
                    form data-api={ "/api/v1/sites/" (site.id) "/access-notes" } data-method="PATCH" {
                        label { (w.access_notes) input name="access_notes" data-empty="null"
                                value=[site.fields.access_notes.as_deref()]; }
                        (form_error())
                        button.primary type="submit" { (w.save) }
                    }
                }))
            }
            @if let Some(a) = &site.fields.access_notes { p.note { (w.access_notes) ": " (a) } }
            ul.plain {
                @for (id, p) in &data.contacts {
                    li {
                        div.bar {
                            span { strong { (p.name) }
                                @for phone in &p.phones { " " a href={ "tel:" (phone) } { (phone) } }
                                @if let Some(a) = &p.availability { br; span.small { (w.availability) ": " (a) } } }
                            (popup(w.availability, html! {
                                form data-api={ "/api/v1/contacts/" (id) "/availability" } data-method="PATCH" {
                                    label { (w.availability) input name="availability" data-empty="null"
                                            value=[p.availability.as_deref()]; }
                                    (form_error())
                                    button.primary type="submit" { (w.save) }
                                }
                            }))
                        }
                    }
                }
            }
        }
    }
}

/// The customer's active agreements this order keeps.
fn honoured(active: &[&Agreement], w: &Words) -> Markup {
    html! {
        @if !active.is_empty() {
            fieldset { legend { (w.agreements) }
                @for a in active {
                    label.inline { input type="checkbox" name="honoured_agreement_ids[]" value=(a.id); (a.text) }
                }
            }
        }
    }
}
