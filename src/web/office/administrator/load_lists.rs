//! `/office/load-lists`: the day's load list of every engineer with visits,
//! and "Load the van" for the owner or an administrator.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use maud::html;
use serde::Deserialize;

use crate::api::auth::caller::OfficeStaff;
use crate::api::state::AppState;
use crate::core::role::Role;
use crate::flow::load_lists;
use crate::web::office::page::{
    clock, day, filters, form_error, frame, json_attr, Page, PageError,
};

#[derive(Deserialize)]
struct Day {
    date: Option<NaiveDate>,
}

#[get("/office/load-lists")]
pub async fn load_lists_page(
    page: Page<OfficeStaff>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let tz = page.tz;
    let date = filters::<Day>(&req)?.date.unwrap_or_else(|| {
        chrono::Utc::now().with_timezone(&tz).date_naive() + chrono::Days::new(1)
    });
    let (lists, names) = state
        .db(move |c| {
            let lists = load_lists::load_lists(c, date, tz, None)?;
            let mut names = vec![];
            for l in &lists {
                let name = crate::store::users::find(c, &l.engineer_id)?
                    .map(|u| u.name)
                    .unwrap_or_default();
                names.push(name);
            }
            Ok((lists, names))
        })
        .await?;
    let w = page.w;
    let loads = page.has(Role::Administrator) || page.has(Role::Owner);
    let body = html! {
        form.filters method="get" action="/office/load-lists" {
            label { (w.date) input type="date" name="date" value=(date); }
            button type="submit" { (w.filter) }
        }
        p.muted { (day(date, w)) }
        @if lists.is_empty() { p.muted { (w.nothing) } }
        @for (list, name) in lists.iter().zip(&names) {
            section.load-list.card id={ "load-" (list.engineer_id) } {
                h2 { (name) " · " (list.van.as_deref().unwrap_or(w.st_no_van)) " · " (w.st_visits) ": " (list.visits.len())
                     @if let Some(first) = list.visits.first() { " · " (clock(first.planned_start, tz)) } }
                @if list.lines.is_empty() { p.muted { (w.st_nothing_to_load) } } @else {
                    table {
                        thead { tr { th { (w.st_sku) } th { (w.st_part) } th.num { (w.st_needed) } th.num { (w.st_in_van) }
                                     th.num { (w.st_to_pick) } th { (w.st_from) } th.num { (w.st_short) } } }
                        tbody { @for l in &list.lines { tr {
                            td { a href={ "/office/parts/" (l.part_id) } { (l.sku) } }
                            td { (l.name) " " span.small.muted { (l.unit) } }
                            td.num { (l.needed) } td.num { (l.in_van) }
                            td.num { strong { (l.to_pick) } }
                            td.small { @for p in &l.from { (p.location) ": " (p.quantity) br; } }
                            td.num { @if !l.short.is_zero() { span.error { (l.short) } } }
                        } } }
                    }
                    @if loads && list.van_id.is_some() && list.lines.iter().any(|l| !l.to_pick.is_zero()) {
                        form data-api={ "/api/v1/stock/load-lists/" (list.engineer_id) "/load" }
                             data-json=(json_attr(serde_json::json!({"date": date}))) {
                            (form_error())
                            button.primary type="submit" { (w.st_load_van) }
                        }
                    }
                }
            }
        }
    };
    Ok(frame(&page, w.menu_load_lists, body))
}
