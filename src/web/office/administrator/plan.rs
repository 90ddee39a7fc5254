//! Route planning for a day: ask the planner for a proposal, see each
//! engineer's route drawn on a map (an SVG of the coordinates, so it works with
//! no internet) with the orders it could not place and why, and accept.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde_json::json;

use super::board::DayQuery;
use crate::api::auth::caller::Dispatchers;
use crate::api::state::AppState;
use crate::flow::planning::{self, RoutePlan};
use crate::routing::planner::ProposedRoute;
use crate::web::office::page::{
    badge, clock, day, filters, form_error, frame, json_attr, Page, PageError,
};
use crate::web::office::words::Words;

/// Route colours, distinct for the first ten engineers, then repeated.
const COLOURS: [&str; 10] = [
    "#1d5fa8", "#c2410c", "#0a6e4f", "#7c3aed", "#b91c1c", "#0e7490", "#a16207", "#be185d",
    "#4d7c0f", "#475569",
];

fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

#[get("/office/plan")]
pub async fn plan_form(
    page: Page<Dispatchers>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let today = page.caller.actor(&state).today();
    let date = filters::<DayQuery>(&req)?.date.unwrap_or(today);
    let waiting = state
        .db(|c| crate::flow::views::scheduling_queue(c, 500))
        .await?
        .len();
    let w = page.w;
    let body = html! {
        form.card data-api="/api/v1/route-plans" data-next="/office/plans/{id}" {
            p.muted { (w.queue_hint) " " strong { (waiting) } }
            div.row {
                label { (w.date) input type="date" name="date" value=(date.to_string()) required; }
                label { (w.days) input name="days" data-type="int" value="1" inputmode="numeric"; }
                label { (w.time_limit) input name="time_limit_seconds" data-type="number" inputmode="decimal"
                        value=(state.config().routing.seconds); }
            }
            (form_error())
            button.primary type="submit" { (w.plan_day) }
        }
    };
    Ok(frame(&page, w.menu_plan, body))
}

#[get("/office/plans/{id}")]
pub async fn proposal(
    page: Page<Dispatchers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let plan = state.db(move |c| planning::get(c, &id)).await?;
    let w = page.w;
    let tz = page.tz;
    let accept = format!("/api/v1/route-plans/{}/accept", plan.id);
    let open = plan
        .plan
        .routes
        .iter()
        .any(|r| !plan.accepted_engineer_ids.contains(&r.engineer_id) && !r.stops.is_empty());
    let body = html! {
        div.toolbar {
            span { (day(plan.first_day, w)) @if plan.last_day != plan.first_day { " – " (day(plan.last_day, w)) } }
            (badge(plan.status.as_str(), w))
            a.button href={ "/office/board?date=" (plan.first_day) } { (w.menu_board) }
            @if open {
                form data-api=(accept) data-next={ "/office/board?date=" (plan.first_day) } {
                    (form_error())
                    button.primary type="submit" { (w.accept_all) }
                }
            }
        }
        div.cols {
            section.card aria-labelledby="map" {
                h2 #map { (w.map) }
                (map(&plan, w))
            }
            section.card aria-labelledby="left-out" {
                h2 #left-out { (w.unassigned) ": " (plan.plan.unassigned.len()) }
                @if plan.plan.unassigned.is_empty() { p.muted { (w.nothing) } }
                ul.plain {
                    @for u in &plan.plan.unassigned {
                        li { a href={ "/office/orders/" (u.work_order_id) } { (u.customer_name) } " "
                             (badge(u.reason.as_str(), w)) br; span.small.muted { (u.message) } }
                    }
                }
            }
        }
        div.grid {
            @for (i, r) in plan.plan.routes.iter().enumerate() {
                (route_card(&plan, i, r, &accept, tz, w))
            }
        }
    };
    Ok(frame(&page, w.menu_plan, body))
}

fn route_card(
    plan: &RoutePlan,
    i: usize,
    r: &ProposedRoute,
    accept: &str,
    tz: chrono_tz::Tz,
    w: &Words,
) -> Markup {
    let accepted = plan.accepted_engineer_ids.contains(&r.engineer_id);
    html! {
        section.card {
            h2 { span.swatch style={ "background:" (colour(i)) } {} (r.engineer_name) " · " (day(r.date, w)) }
            p.small.muted {
                (w.departure) " " (clock(r.departure, tz)) " · " (w.returns) " " (clock(r.return_at, tz)) " · "
                (w.driving) " " (r.travel_minutes) " min · " (w.distance) " " (format!("{:.1}", r.distance_km)) " km"
            }
            table {
                thead { tr { th { "#" } th { (w.when) } th { (w.customer) } th { (w.driving) } } }
                tbody {
                    @for (n, s) in r.stops.iter().enumerate() {
                        tr {
                            td { (n + 1) }
                            td { (clock(s.start, tz)) "–" (clock(s.end, tz)) }
                            td { a href={ "/office/orders/" (s.work_order_id) } { (s.customer_name) } " " (badge(s.kind.as_str(), w))
                                 br; span.small.muted { (s.address) } }
                            td.small { (s.travel_minutes) " min" }
                        }
                    }
                    @if let (Some(a), Some(b)) = (r.break_start, r.break_end) {
                        tr { td {} td { (clock(a, tz)) "–" (clock(b, tz)) } td.muted { (w.lunch) } td {} }
                    }
                }
            }
            @if accepted {
                p.form-ok { (w.accepted) }
            } @else if !r.stops.is_empty() {
                form data-api=(accept) data-json=(json_attr(json!({"engineer_ids": [r.engineer_id]}))) {
                    (form_error())
                    button type="submit" { (w.accept_route) }
                }
            }
        }
    }
}

/// The routes drawn over their coordinates: an equirectangular projection of
/// the area the plan covers, one coloured line per engineer, numbered stops.
fn map(plan: &RoutePlan, w: &Words) -> Markup {
    let routes: Vec<&ProposedRoute> = plan.plan.routes.iter().collect();
    let mut points: Vec<(f64, f64)> = vec![];
    for r in &routes {
        points.push((r.start_latitude, r.start_longitude));
        points.push((r.end_latitude, r.end_longitude));
        points.extend(r.stops.iter().map(|s| (s.latitude, s.longitude)));
    }
    let (width, height, pad) = (800.0, 520.0, 30.0);
    let Some(project) = Projection::fit(&points, width, height, pad) else {
        return html! { p.muted { (w.nothing) } };
    };
    let mut svg = String::new();
    for (i, r) in routes.iter().enumerate() {
        if r.stops.is_empty() {
            continue;
        }
        let mut line: Vec<(f64, f64)> = vec![project.xy(r.start_latitude, r.start_longitude)];
        line.extend(r.stops.iter().map(|s| project.xy(s.latitude, s.longitude)));
        line.push(project.xy(r.end_latitude, r.end_longitude));
        let path: Vec<String> = line.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        svg.push_str(&format!(
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-linejoin="round" opacity=".85"/>"#,
            path.join(" "),
            colour(i)
        ));
        let (sx, sy) = line[0];
        svg.push_str(&format!(
            r##"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="{}" stroke="#fff" stroke-width="2"/>"##,
            sx - 6.0,
            sy - 6.0,
            colour(i)
        ));
        for (n, s) in r.stops.iter().enumerate() {
            let (x, y) = project.xy(s.latitude, s.longitude);
            svg.push_str(&format!(
                r##"<g><title>{}</title><circle cx="{x:.1}" cy="{y:.1}" r="10" fill="#fff" stroke="{}" stroke-width="3"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#1b1f24">{}</text></g>"##,
                maud::html! { (s.customer_name) }.into_string(),
                colour(i),
                y + 4.0,
                n + 1
            ));
        }
    }
    html! {
        svg.map viewBox={ "0 0 " (width) " " (height) } role="img" aria-label=(w.map) xmlns="http://www.w3.org/2000/svg" {
            (maud::PreEscaped(svg))
        }
        p.small {
            @for (i, r) in routes.iter().enumerate() {
                span { span.swatch style={ "background:" (colour(i)) } {} (r.engineer_name) " (" (r.stops.len()) ") " }
            }
        }
    }
}

/// Latitude and longitude to the drawing's x and y.
struct Projection {
    max_lat: f64,
    min_lng: f64,
    scale: f64,
    cos: f64,
    pad: f64,
    offset_x: f64,
    offset_y: f64,
}

impl Projection {
    fn fit(points: &[(f64, f64)], width: f64, height: f64, pad: f64) -> Option<Projection> {
        let first = points.first()?;
        let (mut min_lat, mut max_lat, mut min_lng, mut max_lng) =
            (first.0, first.0, first.1, first.1);
        for (lat, lng) in points {
            min_lat = min_lat.min(*lat);
            max_lat = max_lat.max(*lat);
            min_lng = min_lng.min(*lng);
            max_lng = max_lng.max(*lng);
        }
        let cos = ((min_lat + max_lat) / 2.0).to_radians().cos();
        // At least about two kilometres across, so that a few close stops do
        // not fill the whole drawing.
        let w = ((max_lng - min_lng) * cos).max(0.02);
        let h = (max_lat - min_lat).max(0.02);
        let scale = ((width - 2.0 * pad) / w).min((height - 2.0 * pad) / h);
        Some(Projection {
            offset_x: (width - 2.0 * pad - w * scale) / 2.0,
            offset_y: (height - 2.0 * pad - h * scale) / 2.0,
            max_lat,
            min_lng,
            scale,
            cos,
            pad,
        })
    }

    fn xy(&self, lat: f64, lng: f64) -> (f64, f64) {
        (
            self.pad + self.offset_x + (lng - self.min_lng) * self.cos * self.scale,
            self.pad + self.offset_y + (self.max_lat - lat) * self.scale,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Projection;

    #[test]
    fn the_map_keeps_north_up_and_fits_the_drawing() {
        let p = Projection::fit(&[(50.40, 30.40), (50.50, 30.60)], 800.0, 520.0, 30.0).unwrap();
        let (x1, y1) = p.xy(50.40, 30.40);
        let (x2, y2) = p.xy(50.50, 30.60);
        assert!(x2 > x1 && y2 < y1, "east is right, north is up");
        for v in [x1, x2] {
            assert!((30.0..=770.0).contains(&v));
        }
        for v in [y1, y2] {
            assert!((30.0..=490.0).contains(&v));
        }
    }

    #[test]
    fn one_point_still_draws() {
        let p = Projection::fit(&[(50.45, 30.52)], 800.0, 520.0, 30.0).unwrap();
        let (x, y) = p.xy(50.45, 30.52);
        assert!(x.is_finite() && y.is_finite());
    }
}
