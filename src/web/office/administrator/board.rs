//! The dispatch board: engineers as rows, the day's hours as columns, visits as
//! blocks. A block can be dragged to another engineer or time; the list under
//! the board moves and reorders the same visits from the keyboard. Conflicts
//! (overlaps, shift overruns, missing skills, windows) are marked and listed.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Days, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::json;

use crate::api::auth::caller::OfficeStaff;
use crate::api::state::AppState;
use crate::core::role::Role;
use crate::error::AppError;
use crate::flow::route_day::day_route_now;
use crate::flow::route_day::{DayRoute, RouteVisit};
use crate::flow::views::QueueItem;
use crate::store::engineers;
use crate::web::office::page::{
    badge, clock, day, filters, form_error, frame, json_attr, popup, Page, PageError,
};
use crate::web::office::words::Words;

#[derive(Deserialize)]
pub struct DayQuery {
    pub date: Option<NaiveDate>,
}

/// Minutes after local midnight.
fn minute(at: DateTime<Utc>, tz: Tz, date: NaiveDate) -> i64 {
    let local = at.with_timezone(&tz);
    let days = (local.date_naive() - date).num_days();
    days * 1440 + i64::from(local.hour() * 60 + local.minute())
}

/// The hours the board shows: 08–19, widened to every shift and visit.
fn hours(routes: &[DayRoute], tz: Tz, date: NaiveDate) -> (i64, i64) {
    let mut from = 8 * 60;
    let mut to = 19 * 60;
    for r in routes {
        let times = r
            .shift_start
            .iter()
            .chain(&r.shift_end)
            .copied()
            .chain(r.visits.iter().flat_map(|v| [v.start, v.end]));
        for t in times {
            let m = minute(t, tz, date).clamp(0, 1440);
            from = from.min(m / 60 * 60);
            to = to.max((m + 59) / 60 * 60);
        }
    }
    (from, to)
}

fn pct(m: i64, from: i64, span: i64) -> f64 {
    ((m - from) as f64 / span as f64 * 100.0).clamp(0.0, 100.0)
}

/// Every active engineer's day as it stands.
pub async fn day_routes(state: &AppState, date: NaiveDate) -> Result<Vec<DayRoute>, AppError> {
    let engineers = state.db(engineers::active).await?;
    let mut routes = Vec::with_capacity(engineers.len());
    for (id, _, _) in engineers {
        routes.push(day_route_now(&state.database, &state.config(), id, date).await?);
    }
    Ok(routes)
}

#[get("/office/board")]
pub async fn board(
    page: Page<OfficeStaff>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let today = page.caller.actor(&state).today();
    let date = filters::<DayQuery>(&req)?.date.unwrap_or(today);
    let routes = day_routes(&state, date).await?;
    let waiting = state
        .db(|c| crate::flow::views::scheduling_queue(c, WAITING))
        .await?;
    let w = page.w;
    let tz = page.tz;
    let (from, to) = hours(&routes, tz, date);
    let span = to - from;
    let may_move = page.has(Role::Administrator) || page.has(Role::Owner);
    let prev = date.checked_sub_days(Days::new(1)).unwrap_or(date);
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    let conflicted: Vec<(&DayRoute, &RouteVisit)> = routes
        .iter()
        .flat_map(|r| r.visits.iter().map(move |v| (r, v)))
        .filter(|(_, v)| !v.conflicts.is_empty())
        .collect();
    let engineers: Vec<(&str, &str)> = routes
        .iter()
        .map(|r| (r.engineer_id.as_str(), r.engineer_name.as_str()))
        .collect();
    let body = html! {
        div.toolbar {
            a.button href={ "/office/board?date=" (prev) } { "← " (w.previous_day) }
            form method="get" action="/office/board" {
                label.inline { (w.date) input type="date" name="date" value=(date.to_string()); }
                button type="submit" { (w.filter) }
            }
            a.button href={ "/office/board?date=" (next) } { (w.next_day) " →" }
            @if date != today { a href="/office/board" { (w.today) } }
            a.button.primary href={ "/office/plan?date=" (date) } { (w.plan_day) }
        }
        h2 { (day(date, w)) }
        @if !conflicted.is_empty() {
            div.conflicts role="status" {
                strong { (w.conflicts) ": " (conflicted.len()) }
                ul {
                    @for (r, v) in &conflicted {
                        li { a href={ "#visit-" (v.visit_id) } { (clock(v.start, tz)) " " (r.engineer_name) " · " (v.customer_name) }
                             " — " @for (i, c) in v.conflicts.iter().enumerate() { @if i > 0 { ", " } (w.code(c.as_str())) } }
                    }
                }
            }
        }
        div.board data-date=(date.to_string()) data-from=(from) data-span=(span)
            style={ "--hour:" (100.0 * 60.0 / span as f64) "%" } {
            div.hours aria-hidden="true" {
                div.who-cell { (w.engineer) }
                div.scale {
                    @for h in (from / 60 + 1)..(to / 60) {
                        span style={ "left:" (pct(h * 60, from, span)) "%" } { (format!("{h:02}:00")) }
                    }
                }
            }
            @for r in &routes {
                div.lane {
                    div.who-cell {
                        strong { (r.engineer_name) } br;
                        span.small.muted { (r.visits.len()) " · "
                            @if let (Some(a), Some(b)) = (r.shift_start, r.shift_end) { (clock(a, tz)) "–" (clock(b, tz)) } @else { (w.code("not_working")) } }
                        @if r.conflicts > 0 { br; span.badge.s-failed { (w.conflicts) ": " (r.conflicts) } }
                    }
                    div.track data-engineer=(r.engineer_id) {
                        @if let (Some(a), Some(b)) = (r.shift_start, r.shift_end) {
                            div.off style={ "left:0;width:" (pct(minute(a, tz, date), from, span)) "%" } {}
                            div.off style={ "left:" (pct(minute(b, tz, date), from, span)) "%;right:0" } {}
                        } @else {
                            div.off style="left:0;right:0" {}
                        }
                        @let rows = rows(&r.visits);
                        @let depth = rows.iter().max().map_or(1, |m| m + 1);
                        @for (v, row) in r.visits.iter().zip(&rows) {
                            (block(v, (*row, depth), tz, date, from, span, may_move))
                        }
                    }
                }
            }
        }
        @if may_move && !waiting.is_empty() {
            section aria-labelledby="waiting" {
                h2 #waiting { (w.menu_queue) ": " (waiting.len()) }
                div.waiting { @for item in &waiting { (waiting_order(item, &engineers, date, w)) } }
            }
        }
        h2 { (w.visits) }
        @for r in &routes {
            @if !r.visits.is_empty() {
                section.card {
                    h3 { (r.engineer_name) " · " a href={ "/office/week?engineer=" (r.engineer_id) "&date=" (date) } { (w.menu_week) } }
                    table {
                        thead { tr { th { (w.when) } th { (w.customer) } th { (w.status) } th { (w.driving) } th { (w.actions) } } }
                        tbody {
                            @for (i, v) in r.visits.iter().enumerate() {
                                (visit_row(r, i, v, &engineers, date, tz, may_move, w))
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(frame(&page, w.menu_board, body))
}

/// Waiting orders shown beside the board, most urgent first.
const WAITING: i64 = 30;

/// An order waiting for a visit: dragged onto a lane, or booked with its form.
fn waiting_order(
    item: &QueueItem,
    engineers: &[(&str, &str)],
    date: NaiveDate,
    w: &Words,
) -> Markup {
    let minutes = item.estimated_minutes.map_or(60, i64::from);
    let end = 9 * 60 + minutes;
    let mut fixed = json!({"version": item.version});
    if let Some(c) = &item.on_site_contact {
        fixed["on_site_contact_id"] = json!(c.id);
    }
    html! {
        div.chip draggable="true" data-form={ "assign-" (item.work_order_id) } data-minutes=(minutes) {
            strong { (item.customer_name) } " " (badge(item.priority.as_str(), w))
            br; span.small { (item.scope_summary) " · " (minutes) " min" }
            br; span.small.muted { (item.address) }
            (popup(w.book, html! {
                form #{ "assign-" (item.work_order_id) } data-api={ "/api/v1/work-orders/" (item.work_order_id) "/actions/schedule" }
                    data-json=(json_attr(fixed)) data-date=(date.to_string()) data-force=(w.book_anyway) {
                    label { (w.engineer) select name="engineer_id" {
                        @for (id, name) in engineers { option value=(id) { (name) } } } }
                    div.row {
                        label { (w.start) input type="time" name="start" data-type="clock" value="09:00" required; }
                        label { (w.end) input type="time" name="end" data-type="clock" value=(format!("{:02}:{:02}", end / 60 % 24, end % 60)) required; }
                    }
                    (form_error())
                    button.primary type="submit" { (w.book) }
                }
            }))
        }
    }
}

/// Each visit's row in its lane: overlapping visits stand one under another
/// instead of hiding each other (the first row that is free at its start).
fn rows(visits: &[RouteVisit]) -> Vec<usize> {
    let mut ends: Vec<DateTime<Utc>> = vec![];
    let mut order: Vec<usize> = (0..visits.len()).collect();
    order.sort_by_key(|&i| visits[i].start);
    let mut rows = vec![0; visits.len()];
    for i in order {
        let row = ends
            .iter()
            .position(|end| *end <= visits[i].start)
            .unwrap_or(ends.len());
        if row == ends.len() {
            ends.push(visits[i].end);
        } else {
            ends[row] = visits[i].end;
        }
        rows[i] = row;
    }
    rows
}

/// A visit's block on its engineer's lane, in its row of `depth`.
fn block(
    v: &RouteVisit,
    (row, depth): (usize, usize),
    tz: Tz,
    date: NaiveDate,
    from: i64,
    span: i64,
    may_move: bool,
) -> Markup {
    let height = 100.0 / depth as f64;
    let start = minute(v.start, tz, date);
    let end = minute(v.end, tz, date);
    let class = format!(
        "block s-{}{}",
        v.status,
        if v.conflicts.is_empty() {
            ""
        } else {
            " conflict"
        }
    );
    html! {
        a class=(class) href={ "#visit-" (v.visit_id) }
            draggable=[may_move.then_some("true")]
            data-form={ "move-" (v.visit_id) } data-order=(v.work_order_id) data-minutes=(end - start)
            style={ "left:" (pct(start, from, span)) "%;width:" (pct(end, from, span) - pct(start, from, span))
                    "%;top:calc(" (row as f64 * height) "% + .2rem);height:calc(" (height) "% - .4rem);bottom:auto" }
            title={ (clock(v.start, tz)) "–" (clock(v.end, tz)) " " (v.customer_name) " · " (v.address) } {
            strong { (clock(v.start, tz)) " " (v.customer_name) }
            span { (v.address) }
        }
    }
}

/// A visit in the list: move it (engineer and time) or change its place in the day.
#[allow(clippy::too_many_arguments)]
fn visit_row(
    r: &DayRoute,
    i: usize,
    v: &RouteVisit,
    engineers: &[(&str, &str)],
    date: NaiveDate,
    tz: Tz,
    may_move: bool,
    w: &Words,
) -> Markup {
    let order: Vec<&str> = r.visits.iter().map(|v| v.visit_id.as_str()).collect();
    let swapped = |a: usize, b: usize| {
        let mut o = order.clone();
        o.swap(a, b);
        json_attr(json!({"date": date, "visit_ids": o}))
    };
    let reorder = format!("/api/v1/engineers/{}/route/reorder", r.engineer_id);
    let booked = v.status == "booked";
    html! {
        tr #{ "visit-" (v.visit_id) } {
            td { (clock(v.start, tz)) "–" (clock(v.end, tz)) }
            td { a href={ "/office/orders/" (v.work_order_id) } { (v.customer_name) } br; span.small.muted { (v.address) } }
            td { (badge(&v.status, w))
                 @for c in &v.conflicts { " " (badge(c.as_str(), w)) } }
            td.small { (v.travel_minutes) " min" }
            td {
                @if may_move && booked {
                    details.act {
                        summary { (w.move_visit) }
                        form #{ "move-" (v.visit_id) } data-api={ "/api/v1/work-orders/" (v.work_order_id) "/actions/reschedule" }
                            data-json=(json_attr(json!({"version": v.work_order_version}))) data-date=(date.to_string()) data-force=(w.book_anyway) {
                            label { (w.engineer) select name="engineer_id" {
                                @for (id, name) in engineers { option value=(id) selected[*id == r.engineer_id] { (name) } } } }
                            div.row {
                                label { (w.start) input type="time" name="start" data-type="clock" value=(clock(v.start, tz)) required; }
                                label { (w.end) input type="time" name="end" data-type="clock" value=(clock(v.end, tz)) required; }
                            }
                            (form_error())
                            button.primary type="submit" { (w.move_visit) }
                        }
                    }
                    @if i > 0 {
                        form.inline data-api=(reorder) data-json=(swapped(i, i - 1)) {
                            button type="submit" aria-label={ (w.up) ": " (v.customer_name) } { "↑" }
                        }
                    }
                    @if i + 1 < r.visits.len() {
                        form.inline data-api=(reorder) data-json=(swapped(i, i + 1)) {
                            button type="submit" aria-label={ (w.down) ": " (v.customer_name) } { "↓" }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn visit(from: u32, to: u32) -> RouteVisit {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 24, h, 0, 0).unwrap();
        RouteVisit {
            visit_id: String::new(),
            work_order_id: String::new(),
            work_order_version: 1,
            status: "booked".into(),
            customer_name: String::new(),
            address: String::new(),
            latitude: None,
            longitude: None,
            start: at(from),
            end: at(to),
            arrival: at(from),
            travel_minutes: 0,
            conflicts: vec![],
        }
    }

    #[test]
    fn overlapping_visits_stand_in_rows_and_the_rest_share_the_first() {
        let visits = [visit(9, 11), visit(10, 12), visit(11, 13), visit(10, 11)];
        assert_eq!(rows(&visits), [0, 1, 0, 2]);
        assert_eq!(rows(&[visit(9, 10), visit(10, 11)]), [0, 0]);
    }
}
