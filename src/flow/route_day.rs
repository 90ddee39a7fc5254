//! An engineer's booked day as a route: arrival times recomputed from the travel
//! between visits, and what is wrong after a person moved things (overlaps, shift
//! overrun, missing skill, outside the customer's window); and the calendar views.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Config;
use crate::core::calendar::day_bounds;
use crate::core::geo::GeoPoint;
use crate::core::ids::UserId;
use crate::core::route::{check_day, Conflict, DayVisit, EngineerProfile};
use crate::core::visit::VisitStatus;
use crate::core::work_order::scope_summary;
use crate::error::AppError;
use crate::routing::ical::FeedVisit;
use crate::routing::solver::Matrix;
use crate::routing::travel;
use crate::store::db::{Db, Outbox};
use crate::store::work_orders::{self, OrderPlace};
use crate::store::{engineers, records, users, utc, visits, DbConnection};

/// A visit in the day's route.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteVisit {
    pub visit_id: String,
    pub work_order_id: String,
    /// The order's version, to send with a move.
    pub work_order_version: i64,
    pub status: String,
    pub customer_name: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The earliest the engineer can be there, driving on from the previous visit.
    pub arrival: DateTime<Utc>,
    pub travel_minutes: i64,
    pub conflicts: Vec<Conflict>,
}

/// The engineer's route on one day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayRoute {
    pub engineer_id: String,
    pub engineer_name: String,
    pub date: NaiveDate,
    /// None on a day off (or without a planning profile).
    pub shift_start: Option<DateTime<Utc>>,
    pub shift_end: Option<DateTime<Utc>>,
    pub visits: Vec<RouteVisit>,
    /// How many visits have something wrong.
    pub conflicts: usize,
}

/// What the day view is computed from, read in one go.
pub struct DayData {
    engineer_name: String,
    profile: Option<EngineerProfile>,
    visits: Vec<(crate::store::visits::VisitRow, OrderPlace)>,
}

impl DayData {
    /// The places to measure, in order: the day's start, each visit, the day's end.
    pub fn places(&self) -> Vec<GeoPoint> {
        let home = self.profile.as_ref().map(|p| (p.start(), p.end()));
        let mut points = vec![];
        let first = self
            .visits
            .iter()
            .find_map(|(_, p)| point(p))
            .unwrap_or(GeoPoint {
                latitude: 0.0,
                longitude: 0.0,
            });
        points.push(home.map_or(first, |h| h.0));
        for (_, p) in &self.visits {
            points.push(point(p).unwrap_or(first));
        }
        points.push(home.map_or(first, |h| h.1));
        points
    }
}

fn point(p: &OrderPlace) -> Option<GeoPoint> {
    GeoPoint::parse_pair(p.latitude, p.longitude).ok().flatten()
}

fn not_found() -> AppError {
    AppError::NotFound { entity: "engineer" }
}

/// Reads the engineer's live visits of `date`, with their places.
pub fn load(
    conn: &mut DbConnection,
    engineer_id: &UserId,
    date: NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<DayData, AppError> {
    let user = users::find(conn, engineer_id)?.ok_or_else(not_found)?;
    let (from, to) = day_bounds(date, tz);
    let rows: Vec<_> = visits::for_engineer_between(conn, &user.id, from, to)?
        .into_iter()
        .filter(|v| ["booked", "en_route", "on_site"].contains(&v.status.as_str()))
        .collect();
    let ids: Vec<String> = rows.iter().map(|v| v.work_order_id.to_string()).collect();
    let places = work_orders::places(conn, Some(&ids), ids.len() as i64 + 1)?;
    let visits = rows
        .into_iter()
        .filter_map(|v| {
            let p = places
                .iter()
                .find(|p| p.order.id == v.work_order_id)?
                .clone();
            Some((v, p))
        })
        .collect();
    Ok(DayData {
        engineer_name: user.name,
        profile: engineers::profile(conn, engineer_id)?,
        visits,
    })
}

/// The order's time windows in Unix seconds, as the day's checks take them.
fn window_secs(
    order: &crate::store::work_orders::WorkOrderRow,
) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(order
        .windows()?
        .iter()
        .map(|w| (w.start.timestamp(), w.end.timestamp()))
        .collect())
}

/// The day with arrivals and conflicts, on `matrix` measured between [`DayData::places`].
pub fn day_route(
    engineer_id: &UserId,
    date: NaiveDate,
    tz: chrono_tz::Tz,
    data: DayData,
    matrix: &Matrix,
) -> Result<DayRoute, AppError> {
    let shift = data.profile.as_ref().and_then(|p| p.shift_on(date, tz));
    let skills = data
        .profile
        .as_ref()
        .map(|p| p.skills.clone())
        .unwrap_or_default();
    let n = data.visits.len();
    let day: Vec<DayVisit> = data
        .visits
        .iter()
        .enumerate()
        .map(|(i, (v, p))| {
            Ok(DayVisit {
                start: utc(v.planned_start).timestamp(),
                end: utc(v.planned_end).timestamp(),
                travel_in: matrix.between(i, i + 1).0,
                skills: crate::store::json_list(&p.order.required_skills, "skills", &p.order.id)?,
                windows: window_secs(&p.order)?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let home = if n > 0 { matrix.between(n, n + 1).0 } else { 0 };
    let checked = check_day(
        shift.map(|(a, b)| (a.timestamp(), b.timestamp())),
        &skills,
        &day,
        home,
    );
    let visits: Vec<RouteVisit> = data
        .visits
        .into_iter()
        .zip(checked)
        .zip(&day)
        .map(|(((v, p), c), d)| RouteVisit {
            visit_id: v.id.to_string(),
            work_order_id: v.work_order_id.to_string(),
            work_order_version: p.order.version,
            status: v.status.as_str().to_owned(),
            customer_name: p.customer_name,
            address: p.address,
            latitude: p.latitude,
            longitude: p.longitude,
            start: utc(v.planned_start),
            end: utc(v.planned_end),
            arrival: DateTime::from_timestamp(c.arrival, 0).unwrap_or_default(),
            travel_minutes: (d.travel_in + 30) / 60,
            conflicts: c.conflicts,
        })
        .collect();
    Ok(DayRoute {
        engineer_id: engineer_id.to_string(),
        engineer_name: data.engineer_name,
        date,
        shift_start: shift.map(|s| s.0),
        shift_end: shift.map(|s| s.1),
        conflicts: visits.iter().filter(|v| !v.conflicts.is_empty()).count(),
        visits,
    })
}

/// The engineer's visits touching `[from, to)` (cancelled ones too, marked), for
/// the calendar and its feed.
pub fn calendar(
    conn: &mut DbConnection,
    engineer_id: &UserId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<FeedVisit>, AppError> {
    use crate::store::schema::visits as v;
    use diesel::prelude::*;
    let rows: Vec<visits::VisitRow> = v::table
        .filter(v::engineer_id.eq(engineer_id))
        .filter(v::planned_start.lt(to.naive_utc()))
        .filter(v::planned_end.gt(from.naive_utc()))
        .order(v::planned_start.asc())
        .limit(5000)
        .select(visits::VisitRow::as_select())
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.work_order_id.to_string()).collect();
    let places = work_orders::places(conn, Some(&ids), ids.len() as i64 + 1)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(p) = places.iter().find(|p| p.order.id == r.work_order_id) else {
            continue;
        };
        let contact = match &r.on_site_contact_id {
            Some(id) => records::get_text::<crate::store::contacts::Contacts>(conn, id)
                .ok()
                .map(|c| match c.fields.phones.first() {
                    Some(phone) => format!("{} {phone}", c.fields.name),
                    None => c.fields.name.clone(),
                }),
            None => None,
        };
        out.push(FeedVisit {
            visit_id: r.id.to_string(),
            work_order_id: r.work_order_id.to_string(),
            start: utc(r.planned_start),
            end: utc(r.planned_end),
            cancelled: r.status == VisitStatus::Cancelled,
            customer_name: p.customer_name.clone(),
            address: p.address.clone(),
            latitude: p.latitude,
            longitude: p.longitude,
            contact,
            scope: scope_summary(&p.order.scope()?),
            notes: p.order.engineer_notes.clone(),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        });
    }
    Ok(out)
}

impl DayData {
    /// The day's visits put in the administrator's order, which must name each of
    /// them exactly once.
    pub fn reordered(mut self, visit_ids: &[String]) -> Result<DayData, AppError> {
        let ids: Vec<&str> = self.visits.iter().map(|(v, _)| v.id.as_str()).collect();
        let mut seen = std::collections::HashSet::new();
        for (i, id) in visit_ids.iter().enumerate() {
            if !ids.contains(&id.as_str()) || !seen.insert(id.as_str()) {
                return Err(AppError::invalid(
                    format!("visit_ids[{i}]"),
                    "is not one of the engineer's visits that day, or is named twice",
                ));
            }
        }
        if visit_ids.len() != ids.len() {
            return Err(AppError::invalid(
                "visit_ids",
                format!("name all {} visits of the day", ids.len()),
            ));
        }
        self.visits
            .sort_by_key(|(v, _)| visit_ids.iter().position(|id| id == &v.id));
        Ok(self)
    }
}

/// Books the day in its new order: each visit starts as soon as the engineer gets
/// there from the previous one (not before the shift, nor outside the customer's
/// windows), keeps its length, and moves with the usual event and message.
pub fn apply_order(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &crate::flow::Actor,
    engineer_id: &UserId,
    date: NaiveDate,
    data: &DayData,
    matrix: &Matrix,
) -> Result<(), AppError> {
    use crate::core::route::{resequence, Leg};
    use crate::flow::actions::{act, Request, Step};
    let Some((first, _)) = data.visits.first() else {
        return Ok(());
    };
    let day_start = data
        .profile
        .as_ref()
        .and_then(|p| p.shift_on(date, actor.timezone))
        .map_or(utc(first.planned_start).timestamp(), |s| s.0.timestamp());
    let legs: Vec<Leg> = data
        .visits
        .iter()
        .enumerate()
        .map(|(i, (v, p))| {
            Ok(Leg {
                duration: (v.planned_end - v.planned_start).num_seconds(),
                travel: matrix.between(i, i + 1).0,
                windows: window_secs(&p.order)?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let starts = resequence(day_start, &legs);
    crate::store::transaction(conn, |conn| {
        for ((v, _), (start, leg)) in data.visits.iter().zip(starts.iter().zip(&legs)) {
            if utc(v.planned_start).timestamp() == *start {
                continue;
            }
            let order = work_orders::find(conn, &v.work_order_id)?
                .ok_or_else(|| AppError::internal("a visit without its order"))?;
            let start = DateTime::from_timestamp(*start, 0).unwrap_or_default();
            let body = crate::flow::bodies::Schedule {
                version: Some(order.version),
                engineer_id: engineer_id.to_string(),
                start,
                end: start + chrono::Duration::seconds(leg.duration),
                on_site_contact_id: v.on_site_contact_id.clone(),
                // Visits pass each other on the way to the new order.
                force: true,
            };
            act(
                conn,
                outbox,
                actor,
                &order.id,
                Step::at_version(Request::Reschedule(body), None),
            )?;
        }
        Ok(())
    })
}

/// An engineer's day route as it is now, with arrivals and conflicts: the day
/// read, the travel between its places, the arrivals computed. The office's
/// route view and the dispatch board share it.
pub async fn day_route_now(
    db: &Db,
    config: &Config,
    id: UserId,
    date: NaiveDate,
) -> Result<DayRoute, AppError> {
    let tz = config.timezone;
    let load_id = id.clone();
    let data = db.run(move |c| load(c, &load_id, date, tz)).await?;
    let matrix = travel_between(config, &data.places()).await?;
    day_route(&id, date, tz, data, &matrix)
}

/// Travel between the places under the company's travel model; a failing OSRM is a 502.
pub async fn travel_between(config: &Config, points: &[GeoPoint]) -> Result<Matrix, AppError> {
    travel::matrix(&config.routing.travel, points)
        .await
        .map_err(|e| AppError::Upstream(e.to_string()))
}
