//! The stock pages: what each location holds (with a stock count entered in
//! the same table), and a part's page with where it is and its ledger.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use crate::api::auth::caller::OfficeStaff;
use crate::api::state::AppState;
use crate::core::ids::{LocationId, PartId, TypedId};
use crate::core::role::Role;
use crate::core::stock::LocationKind;
use crate::flow::stock;
use crate::store::page::PageRequest;
use crate::web::office::page::{
    badge, filters, form_error, frame, json_attr, pager, when, Page, PageError,
};

#[derive(Deserialize)]
struct StockFilter {
    location: Option<LocationId>,
    low: Option<bool>,
    cursor: Option<String>,
}

/// `/office/stock`: the locations, and the chosen one's stock.
#[get("/office/stock")]
pub async fn stock_page(
    page: Page<OfficeStaff>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let f: StockFilter = filters(&req)?;
    let low = f.low.unwrap_or(false);
    let (places, chosen, lines, alerts) = state
        .db(move |c| {
            let alerts = crate::flow::stock_alerts::open_alerts(c)?;
            let places = stock::locations(c)?;
            let chosen = f
                .location
                .clone()
                .or_else(|| places.first().map(|p| p.id.clone()));
            let lines = match &chosen {
                Some(l) => Some(stock::stock_at(
                    c,
                    l,
                    low,
                    &PageRequest {
                        limit: 100,
                        cursor: f.cursor.clone(),
                    },
                )?),
                None => None,
            };
            Ok((places, chosen, lines, alerts))
        })
        .await?;
    let w = page.w;
    let counts = page.has(Role::Administrator) || page.has(Role::Owner);
    let here = places.iter().find(|p| Some(&p.id) == chosen.as_ref());
    let tz = page.tz;
    let body = html! {
        @if !alerts.is_empty() {
            section.card #alerts {
                h2 { (w.st_running_low) " (" (alerts.len()) ")" }
                table {
                    thead { tr { th { (w.st_location) } th { (w.st_sku) } th { (w.st_part) } th.num { (w.st_on_hand) }
                                 th.num { (w.st_reserved) } th.num { (w.st_minimum) } th.num { (w.st_to_order) } th { (w.st_since) } } }
                    tbody { @for a in &alerts { tr {
                        td { a href={ "/office/stock?location=" (a.location_id) } { (a.location) } }
                        td { a href={ "/office/parts/" (a.part_id) } { (a.sku) } }
                        td { (a.name) }
                        td.num { (a.on_hand) } td.num { (a.reserved) }
                        td.num { @if let Some(m) = a.minimum { (m) } }
                        td.num { strong { (a.to_order) } " " span.small.muted { (a.unit) } }
                        td.small { (when(a.since, tz)) }
                    } } }
                }
            }
        }
        nav.tabs aria-label=(w.st_location) {
            @for p in &places {
                a href={ "/office/stock?location=" (p.id) } aria-current=[(Some(&p.id) == chosen.as_ref()).then_some("page")] {
                    (p.fields.name) " " span.small.muted { (w.code(p.fields.kind.as_str())) }
                }
            }
        }
        @if let (Some(place), Some(lines)) = (here, &lines) {
            form.filters method="get" action="/office/stock" {
                input type="hidden" name="location" value=(place.id);
                label { input type="checkbox" name="low" value="true" checked[low]; " " (w.st_low_only) }
                button type="submit" { (w.filter) }
                @if place.fields.kind == LocationKind::Warehouse {
                    a href={ "/api/v1/stock-locations/" (place.id) "/purchase-list?format=csv" } { (w.st_purchase_list) }
                }
            }
            @if lines.items.is_empty() { p.muted { (w.nothing) } } @else {
                form #count data-api="/api/v1/stock/counts" data-json=(json_attr(serde_json::json!({"location_id": place.id}))) {
                    @if counts { p.small.muted { (w.st_count_hint) } }
                    table {
                        thead { tr { th { (w.st_sku) } th { (w.st_part) } th.num { (w.st_on_hand) } th.num { (w.st_reserved) }
                                     th.num { (w.st_available) } th.num { (w.st_minimum) } @if counts { th.num { (w.st_counted) } } } }
                        tbody {
                            @for (i, l) in lines.items.iter().enumerate() {
                                tr {
                                    td { a href={ "/office/parts/" (l.part_id) } { (l.sku) } }
                                    td { (l.name) " " @if l.low { (badge("low", w)) } }
                                    td.num { (l.on_hand) " " span.small.muted { (l.unit) } }
                                    td.num { (l.reserved) }
                                    td.num { (l.available) }
                                    td.num { @if let Some(m) = l.minimum { (m) } }
                                    @if counts {
                                        td.num {
                                            input type="hidden" name={ "lines[" (i) "].part_id" } value=(l.part_id);
                                            input.qty type="text" inputmode="decimal" name={ "lines[" (i) "].quantity" } data-type="number"
                                                aria-label={ (w.st_counted) ": " (l.sku) };
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if counts { (form_error()) button.primary type="submit" { (w.st_record_count) } }
                }
                (pager(&req, lines.next_cursor.as_deref(), w))
            }
        } @else { p.muted { (w.nothing) } }
    };
    Ok(frame(&page, w.menu_stock, body))
}

#[derive(Deserialize)]
struct Cursor {
    cursor: Option<String>,
}

/// `/office/parts/{id}`: where a part is, and its ledger, newest first.
#[get("/office/parts/{id}")]
pub async fn part_page(
    page: Page<OfficeStaff>,
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = PartId::parse(&path.into_inner())
        .ok_or(crate::error::AppError::NotFound { entity: "part" })?;
    let cursor = filters::<Cursor>(&req)?.cursor;
    let (part, at, moves, places) = state
        .db(move |c| {
            let page = PageRequest { limit: 50, cursor };
            Ok((
                crate::flow::parts::get(c, &id)?,
                stock::part_stock(c, &id)?,
                stock::movements_of_part(c, &id, &page)?,
                stock::locations(c)?,
            ))
        })
        .await?;
    let w = page.w;
    let tz = page.tz;
    let place = |id: &LocationId| -> String {
        places
            .iter()
            .find(|p| p.id == *id)
            .map_or_else(String::new, |p| p.fields.name.clone())
    };
    let body: Markup = html! {
        p { strong { (part.fields.sku) } " · " (part.fields.name) " · " (w.code(part.fields.kind.as_str())) }
        h2 { (w.st_where) }
        table {
            thead { tr { th { (w.st_location) } th.num { (w.st_on_hand) } th.num { (w.st_reserved) } th.num { (w.st_minimum) } } }
            tbody { @for a in &at { tr {
                td { a href={ "/office/stock?location=" (a.location_id) } { (a.location) } }
                td.num { (a.on_hand) } td.num { (a.reserved) } td.num { @if let Some(m) = a.minimum { (m) } }
            } } }
        }
        h2 { (w.st_movements) }
        table {
            thead { tr { th { (w.when) } th { (w.st_location) } th { (w.st_kind) } th.num { (w.quantity) } th.num { (w.st_after) }
                         th { (w.st_why) } th { (w.audit_who) } } }
            tbody { @for m in &moves.items { tr {
                td.small { (when(m.created_at, tz)) }
                td { (place(&m.location_id)) }
                td { (badge(m.kind.as_str(), w))
                     @if let Some(o) = &m.work_order_id { br; a.small href={ "/office/orders/" (o) } { (w.code("work_order")) } } }
                td.num { (m.quantity) } td.num { (m.on_hand_after) }
                td.small { (m.reason.as_deref().unwrap_or("")) }
                td.small { (m.actor_name.as_deref().unwrap_or("")) }
            } } }
        }
        (pager(&req, moves.next_cursor.as_deref(), w))
    };
    Ok(frame(&page, &part.fields.name, body))
}
