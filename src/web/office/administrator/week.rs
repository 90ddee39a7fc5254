//! The week calendar: an engineer's (or everyone's) visits, Monday to Sunday.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{Datelike, Days, NaiveDate};
use maud::html;
use serde::Deserialize;

use crate::api::auth::caller::OfficeStaff;
use crate::api::state::AppState;
use crate::core::calendar::day_bounds;
use crate::core::ids::UserId;
use crate::flow::route_day;
use crate::routing::ical::FeedVisit;
use crate::store::engineers;
use crate::web::office::page::{clock, day, filters, frame, Page, PageError};

#[derive(Deserialize)]
struct WeekQuery {
    date: Option<NaiveDate>,
    engineer: Option<String>,
}

#[get("/office/week")]
pub async fn week(
    page: Page<OfficeStaff>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let q: WeekQuery = filters(&req)?;
    let today = page.caller.actor(&state).today();
    let date = q.date.unwrap_or(today);
    let monday = date
        .checked_sub_days(Days::new(date.weekday().num_days_from_monday().into()))
        .unwrap_or(date);
    let days: Vec<NaiveDate> = (0..7)
        .filter_map(|d| monday.checked_add_days(Days::new(d)))
        .collect();
    let tz = page.tz;
    let from = crate::store::utc(day_bounds(monday, tz).0);
    let to = crate::store::utc(day_bounds(days[days.len() - 1], tz).1);
    let chosen = q.engineer.clone();
    let (all, visits) = state
        .db(move |c| {
            let all: Vec<(UserId, String)> = engineers::active(c)?
                .into_iter()
                .map(|(id, name, _)| (id, name))
                .collect();
            let mut visits: Vec<(String, FeedVisit)> = vec![];
            for (id, name) in all
                .iter()
                .filter(|(id, _)| chosen.as_ref().is_none_or(|c| *c == **id))
            {
                for v in route_day::calendar(c, id, from, to)? {
                    visits.push((name.clone(), v));
                }
            }
            visits.sort_by_key(|(_, v)| v.start);
            Ok((all, visits))
        })
        .await?;
    let w = page.w;
    let link = |d: NaiveDate| {
        format!(
            "/office/week?date={d}{}",
            q.engineer
                .as_deref()
                .map(|e| format!("&engineer={e}"))
                .unwrap_or_default()
        )
    };
    let body = html! {
        div.toolbar {
            a.button href=(link(monday - Days::new(7))) { "← " (w.previous_week) }
            form method="get" action="/office/week" {
                label.inline { (w.engineer) select name="engineer" {
                    option value="" { (w.all) }
                    @for (id, name) in &all { option value=(id) selected[q.engineer.as_deref() == Some(id.as_str())] { (name) } } } }
                label.inline { (w.date) input type="date" name="date" value=(date.to_string()); }
                button type="submit" { (w.filter) }
            }
            a.button href=(link(monday + Days::new(7))) { (w.next_week) " →" }
        }
        div.week {
            @for d in &days {
                section.daycol aria-label=(day(*d, w)) {
                    h3 { a href={ "/office/board?date=" (d) } { (day(*d, w)) } }
                    @for (name, v) in visits.iter().filter(|(_, v)| v.start.with_timezone(&tz).date_naive() == *d) {
                        div.item {
                            strong { (clock(v.start, tz)) "–" (clock(v.end, tz)) }
                            @if v.cancelled { " " span.badge.s-cancelled { (w.code("cancelled")) } }
                            br; a href={ "/office/orders/" (v.work_order_id) } { (v.customer_name) }
                            @if q.engineer.is_none() { br; span.muted { (name) } }
                        }
                    }
                }
            }
        }
    };
    Ok(frame(&page, w.menu_week, body))
}
