//! Route planning for a day: ask the planner for a proposal, see each
//! engineer's route drawn on a map (an SVG of the coordinates, so it works with
//! no internet) with the orders it could not place and why, and accept.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde_json::json;

use super::board::DayQuery;
use crate::api::auth::caller::Dispatchers;
use crate::api::state::AppState;
use crate::core::ids::{RoutePlanId, TypedId};
use crate::error::AppError;
use crate::flow::planning::{self, RoutePlan};
use crate::routing::planner::ProposedRoute;
use crate::routing::MapTiles;
use crate::web::office::page::{
    badge, clock, day, filters, form_error, frame, frame_markup, html_response_with, json_attr,
    Page, PageError,
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
    let id = RoutePlanId::parse(&id).ok_or(AppError::NotFound {
        entity: "route plan",
    })?;
    let plan = state.db(move |c| planning::get(c, &id)).await?;
    let tiles = state.config().routing.tiles.clone();
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
                (map(&plan, tiles.as_ref(), w))
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
    // Tiles, when configured, are the one thing a page loads from elsewhere.
    Ok(html_response_with(
        frame_markup(&page, w.menu_plan, body),
        tiles.as_ref().map(|t| t.origin()),
    ))
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

/// The routes drawn over their coordinates in Web Mercator (the projection
/// of map tiles): one coloured line per engineer, numbered stops, the start as
/// a square; over the configured tiles, or alone (no internet needed).
fn map(plan: &RoutePlan, tiles: Option<&MapTiles>, w: &Words) -> Markup {
    let routes: Vec<&ProposedRoute> = plan.plan.routes.iter().collect();
    let mut points: Vec<(f64, f64)> = vec![];
    for r in &routes {
        points.push((r.start_latitude, r.start_longitude));
        points.push((r.end_latitude, r.end_longitude));
        points.extend(r.stops.iter().map(|s| (s.latitude, s.longitude)));
    }
    let (width, height) = (800.0, 520.0);
    let Some(project) = Projection::fit(&points, width, height, 30.0, tiles.is_some()) else {
        return html! { p.muted { (w.nothing) } };
    };
    let mut svg = String::new();
    if let Some(t) = tiles {
        for (x, y, z, left, top) in project.tiles(width, height) {
            svg.push_str(&format!(
                r#"<image href="{}" x="{left:.1}" y="{top:.1}" width="256" height="256"/>"#,
                maud::html! { (t.tile(z, x, y)) }.into_string()
            ));
        }
    }
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
            @if let Some(t) = tiles { span.muted { (t.attribution) } }
        }
    }
}

/// Latitude and longitude to the drawing's x and y: Web Mercator at a zoom
/// that fits every point, the area's middle in the drawing's middle.
struct Projection {
    /// Pixels of the whole world across (256 × 2^zoom).
    world: f64,
    zoom: u32,
    /// The world pixel at the drawing's top left.
    left: f64,
    top: f64,
}

/// A point's place on the world map, 0 to 1 across and down.
fn mercator(lat: f64, lng: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    (
        (lng + 180.0) / 360.0,
        (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0,
    )
}

impl Projection {
    /// `whole_zoom` keeps the zoom a whole number, as tiles need.
    fn fit(
        points: &[(f64, f64)],
        width: f64,
        height: f64,
        pad: f64,
        whole_zoom: bool,
    ) -> Option<Projection> {
        let first = mercator(points.first()?.0, points.first()?.1);
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (first.0, first.0, first.1, first.1);
        for (lat, lng) in points {
            let (x, y) = mercator(*lat, *lng);
            min_x = min_x.min(x);
            max_x = max_x.max(x);
            min_y = min_y.min(y);
            max_y = max_y.max(y);
        }
        // At most zoom 16 (a few streets), so that close stops do not fill the drawing.
        let span_x = (max_x - min_x).max(1e-9);
        let span_y = (max_y - min_y).max(1e-9);
        let fit = ((width - 2.0 * pad) / span_x).min((height - 2.0 * pad) / span_y) / 256.0;
        let mut zoom = fit.log2().clamp(1.0, 16.0);
        if whole_zoom {
            zoom = zoom.floor();
        }
        let world = 256.0 * zoom.exp2();
        Some(Projection {
            world,
            zoom: zoom as u32,
            left: (min_x + max_x) / 2.0 * world - width / 2.0,
            top: (min_y + max_y) / 2.0 * world - height / 2.0,
        })
    }

    fn xy(&self, lat: f64, lng: f64) -> (f64, f64) {
        let (x, y) = mercator(lat, lng);
        (x * self.world - self.left, y * self.world - self.top)
    }

    /// The tiles that cover the drawing: (x, y, zoom, left, top).
    fn tiles(&self, width: f64, height: f64) -> Vec<(i64, i64, u32, f64, f64)> {
        let count = 1i64 << self.zoom;
        let (x0, x1) = (
            (self.left / 256.0).floor() as i64,
            ((self.left + width) / 256.0).floor() as i64,
        );
        let (y0, y1) = (
            (self.top / 256.0).floor() as i64,
            ((self.top + height) / 256.0).floor() as i64,
        );
        let mut out = vec![];
        for ty in y0.max(0)..=y1.min(count - 1) {
            for tx in x0..=x1 {
                let wrapped = tx.rem_euclid(count);
                out.push((
                    wrapped,
                    ty,
                    self.zoom,
                    tx as f64 * 256.0 - self.left,
                    ty as f64 * 256.0 - self.top,
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{mercator, Projection};

    #[test]
    fn the_map_keeps_north_up_and_fits_the_drawing() {
        for whole in [false, true] {
            let p = Projection::fit(&[(50.40, 30.40), (50.50, 30.60)], 800.0, 520.0, 30.0, whole)
                .unwrap();
            let (x1, y1) = p.xy(50.40, 30.40);
            let (x2, y2) = p.xy(50.50, 30.60);
            assert!(x2 > x1 && y2 < y1, "east is right, north is up");
            for v in [x1, x2] {
                assert!((0.0..=800.0).contains(&v), "{v}");
            }
            for v in [y1, y2] {
                assert!((0.0..=520.0).contains(&v), "{v}");
            }
        }
    }

    #[test]
    fn mercator_matches_the_tile_scheme() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let (x, y) = mercator(0.0, 0.0);
        assert!(
            close(x, 0.5) && close(y, 0.5),
            "the equator and Greenwich meet in the middle"
        );
        assert!(close(mercator(0.0, -180.0).0, 0.0) && close(mercator(0.0, 180.0).0, 1.0));
        assert!(
            mercator(85.0511, 0.0).1.abs() < 1e-5,
            "the top edge of the tiles"
        );
        let (north, south) = (mercator(50.45, 30.52).1, mercator(-50.45, 30.52).1);
        assert!(close(north + south, 1.0) && north < 0.5);
    }

    #[test]
    fn tiles_cover_the_drawing_at_a_whole_zoom() {
        let p =
            Projection::fit(&[(50.40, 30.40), (50.50, 30.60)], 800.0, 520.0, 30.0, true).unwrap();
        let tiles = p.tiles(800.0, 520.0);
        assert!(tiles.len() >= 12 && tiles.len() <= 20, "{}", tiles.len());
        let (_, _, _, left, top) = tiles[0];
        assert!(left <= 0.0 && left > -256.0 && top <= 0.0 && top > -256.0);
    }

    #[test]
    fn one_point_still_draws() {
        let p = Projection::fit(&[(50.45, 30.52)], 800.0, 520.0, 30.0, false).unwrap();
        let (x, y) = p.xy(50.45, 30.52);
        assert!((x - 400.0).abs() < 1e-6 && (y - 260.0).abs() < 1e-6);
    }
}
