//! From the office's words to the solver's and back: engineers' days become
//! shifts, orders and booked visits become jobs, and the best tours become a
//! proposal the administrator reads, with every order left out and why.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::solver::{self, Break, Job, Limits, Matrix, Shift, Vehicle};
use crate::core::geo::GeoPoint;
use crate::core::route::{reachable, EngineerProfile, Reach, TimeWindow, Unplanned};
use crate::core::work_order::Priority;

/// An engineer the planner may give work.
#[derive(Debug, Clone)]
pub struct Engineer {
    pub id: String,
    pub name: String,
    pub profile: EngineerProfile,
}

/// An order waiting for its visit.
#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub version: i64,
    pub customer_name: String,
    pub address: String,
    pub point: Option<GeoPoint>,
    pub minutes: i64,
    pub skills: Vec<String>,
    pub priority: Priority,
    pub windows: Vec<TimeWindow>,
    /// Its booked visit, when the administrator freed it to be planned again.
    pub visit_id: Option<String>,
}

/// A booked visit the plan keeps where it is.
#[derive(Debug, Clone)]
pub struct Booked {
    pub visit_id: String,
    pub order_id: String,
    pub engineer_id: String,
    pub customer_name: String,
    pub address: String,
    pub point: Option<GeoPoint>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Everything a plan is made from.
#[derive(Debug, Clone)]
pub struct Input {
    pub days: Vec<NaiveDate>,
    pub tz: Tz,
    pub engineers: Vec<Engineer>,
    pub orders: Vec<Order>,
    pub booked: Vec<Booked>,
}

/// One place of a route.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProposedStop {
    pub work_order_id: String,
    /// The order's version when planned: accepting fails if it changed since.
    pub work_order_version: i64,
    /// A booked visit the plan keeps (`kept`) or moves (`moved`); none for a new one.
    pub visit_id: Option<String>,
    pub kind: StopKind,
    pub customer_name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub arrival: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Driving from the previous place.
    pub travel_minutes: i64,
    pub travel_km: f64,
}

crate::core::fields::text_enum! {
    /// What accepting does with a stop.
    pub enum StopKind {
        /// Books a new visit.
        New => "new",
        /// A booked visit that stays as it is.
        Kept => "kept",
        /// A booked visit, freed by the administrator, moved here.
        Moved => "moved",
    }
}

/// An engineer's day in the proposal.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProposedRoute {
    pub engineer_id: String,
    pub engineer_name: String,
    pub date: NaiveDate,
    pub start_latitude: f64,
    pub start_longitude: f64,
    pub end_latitude: f64,
    pub end_longitude: f64,
    pub departure: DateTime<Utc>,
    pub return_at: DateTime<Utc>,
    pub stops: Vec<ProposedStop>,
    /// The lunch break as planned.
    pub break_start: Option<DateTime<Utc>>,
    pub break_end: Option<DateTime<Utc>>,
    pub travel_minutes: i64,
    pub distance_km: f64,
}

/// An order the plan could not place.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LeftOut {
    pub work_order_id: String,
    pub customer_name: String,
    pub reason: Unplanned,
    pub message: String,
}

/// The planner's answer, before it is saved.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    pub routes: Vec<ProposedRoute>,
    pub unassigned: Vec<LeftOut>,
    pub solver_seconds: f64,
}

/// The places to measure travel between, in order: every engineer's start and
/// end, then every order and booked visit that has coordinates.
pub fn places(input: &Input) -> Vec<GeoPoint> {
    let mut points = vec![];
    for e in &input.engineers {
        points.push(e.profile.start());
        points.push(e.profile.end());
    }
    points.extend(input.orders.iter().filter_map(|o| o.point));
    points.extend(input.booked.iter().filter_map(|b| b.point));
    points
}

/// Worth of an order against leaving it out: an urgent one outweighs ten high ones.
fn worth(priority: Priority) -> f64 {
    match priority {
        Priority::Urgent => 10_000.0,
        Priority::High => 1_000.0,
        Priority::Normal => 100.0,
        Priority::Low => 10.0,
    }
}

/// A booked visit outweighs anything new.
const BOOKED_WORTH: f64 = 1_000_000.0;

/// The solver's problem for an input, with what was left out before solving and
/// what reading the answer back needs.
pub struct Framed {
    pub problem: solver::Problem,
    /// Orders no engineer could take (no coordinates, skill, shift or window).
    pub left_out: Vec<LeftOut>,
    order_loc: Vec<Option<usize>>,
    booked_loc: Vec<Option<usize>>,
    shift_days: HashMap<(String, usize), NaiveDate>,
}

/// Plans `input` on `matrix` (measured between [`places`]) within `limits`.
pub fn plan(input: &Input, matrix: Matrix, limits: Limits) -> Result<Plan, solver::SolverError> {
    let framed = frame(input, matrix);
    let solution = solver::solve(&framed.problem, limits)?;
    Ok(read(input, framed, &solution))
}

/// States `input` as the solver's problem on `matrix` (measured between
/// [`places`]; moved, not copied: at a thousand places it is tens of megabytes).
pub fn frame(input: &Input, matrix: Matrix) -> Framed {
    let at = |t: DateTime<Utc>| t.timestamp();
    let n_eng = input.engineers.len();
    let order_loc: Vec<Option<usize>> = {
        let mut next = 2 * n_eng;
        input
            .orders
            .iter()
            .map(|o| {
                o.point.map(|_| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    };
    let mut next = 2 * n_eng + order_loc.iter().flatten().count();
    let booked_loc: Vec<Option<usize>> = input
        .booked
        .iter()
        .map(|b| {
            b.point.map(|_| {
                next += 1;
                next - 1
            })
        })
        .collect();

    // Shifts: one per engineer and working day; shift index → day.
    let mut vehicles = vec![];
    let mut shift_days: HashMap<(String, usize), NaiveDate> = HashMap::new();
    let mut day_shift: HashMap<(String, NaiveDate), usize> = HashMap::new();
    for (i, e) in input.engineers.iter().enumerate() {
        let mut shifts = vec![];
        for day in &input.days {
            let Some((open, close)) = e.profile.shift_on(*day, input.tz) else {
                continue;
            };
            shift_days.insert((e.id.clone(), shifts.len()), *day);
            day_shift.insert((e.id.clone(), *day), shifts.len());
            shifts.push(Shift {
                start_location: 2 * i,
                start: at(open),
                end_location: Some(2 * i + 1),
                end: at(close),
                lunch: e
                    .profile
                    .break_on(*day, input.tz)
                    .map(|(earliest, latest, minutes)| Break {
                        earliest: at(earliest),
                        latest: at(latest),
                        duration: minutes * 60,
                    }),
            });
        }
        if !shifts.is_empty() {
            vehicles.push(Vehicle {
                id: e.id.clone(),
                shifts,
                skills: e.profile.skills.clone(),
                capacity: None,
                max_jobs: e.profile.max_visits.map(|m| m as usize),
            });
        }
    }

    let mut unassigned = vec![];
    let mut jobs = vec![];
    for (o, loc) in input.orders.iter().zip(&order_loc) {
        let left = |reason: Unplanned| LeftOut {
            work_order_id: o.id.clone(),
            customer_name: o.customer_name.clone(),
            reason,
            message: reason.explain().to_owned(),
        };
        let Some(loc) = *loc else {
            unassigned.push(left(Unplanned::NoCoordinates));
            continue;
        };
        let skilled: Vec<usize> = input
            .engineers
            .iter()
            .enumerate()
            .filter(|(_, e)| o.skills.iter().all(|s| e.profile.skills.contains(s)))
            .map(|(i, _)| i)
            .collect();
        if skilled.is_empty() {
            unassigned.push(left(Unplanned::NoSkilledEngineer));
            continue;
        }
        let duration = o.minutes * 60;
        let windows: Vec<(i64, i64)> = o.windows.iter().map(|w| (at(w.start), at(w.end))).collect();
        let can_reach = skilled.iter().any(|&i| {
            let e = &input.engineers[i];
            input.days.iter().any(|day| {
                e.profile.shift_on(*day, input.tz).is_some_and(|(a, b)| {
                    let reach = Reach {
                        shift: (at(a), at(b)),
                        to_site: matrix.between(2 * i, loc).0,
                        from_site: matrix.between(loc, 2 * i + 1).0,
                    };
                    reachable(&reach, &windows, duration)
                })
            })
        });
        if !can_reach {
            let works = skilled.iter().any(|&i| {
                let e = &input.engineers[i];
                input
                    .days
                    .iter()
                    .any(|day| e.profile.shift_on(*day, input.tz).is_some())
            });
            let reason = if !works {
                Unplanned::NoShift
            } else if windows.is_empty() {
                Unplanned::ShiftFull
            } else {
                Unplanned::TimeWindow
            };
            unassigned.push(left(reason));
            continue;
        }
        jobs.push(Job {
            id: format!("o:{}", o.id),
            location: loc,
            duration,
            // The solver's window is for the start; the work must also end inside.
            windows: windows
                .iter()
                .filter(|(a, b)| b - duration >= *a)
                .map(|(a, b)| (*a, b - duration))
                .collect(),
            skills: o.skills.clone(),
            demand: None,
            value: worth(o.priority),
            pinned: None,
        });
    }
    for (b, loc) in input.booked.iter().zip(&booked_loc) {
        let day = b.start.with_timezone(&input.tz).date_naive();
        let (Some(loc), Some(shift)) = (*loc, day_shift.get(&(b.engineer_id.clone(), day))) else {
            continue;
        };
        jobs.push(Job {
            id: format!("b:{}", b.visit_id),
            location: loc,
            duration: (b.end - b.start).num_seconds().max(0),
            windows: vec![(at(b.start), at(b.start))],
            skills: vec![],
            demand: None,
            value: BOOKED_WORTH,
            pinned: Some((b.engineer_id.clone(), *shift)),
        });
    }

    Framed {
        problem: solver::Problem {
            matrix,
            jobs,
            vehicles,
            goal: solver::Goal::FieldService,
        },
        left_out: unassigned,
        order_loc,
        booked_loc,
        shift_days,
    }
}

/// The solver's answer in the office's words: routes per engineer and day, and
/// every order left out with its reason.
fn read(input: &Input, framed: Framed, solution: &solver::Solution) -> Plan {
    let Framed {
        problem,
        left_out: mut unassigned,
        order_loc,
        booked_loc,
        shift_days,
    } = framed;
    let matrix = &problem.matrix;
    let orders: HashMap<&str, (&Order, usize)> = input
        .orders
        .iter()
        .zip(&order_loc)
        .filter_map(|(o, l)| l.map(|l| (o.id.as_str(), (o, l))))
        .collect();
    let booked: HashMap<&str, (&Booked, usize)> = input
        .booked
        .iter()
        .zip(&booked_loc)
        .filter_map(|(b, l)| l.map(|l| (b.visit_id.as_str(), (b, l))))
        .collect();
    let time = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or_default();
    let km = |m: i64| (m as f64 / 100.0).round() / 10.0;
    let mut routes = vec![];
    for tour in &solution.tours {
        let Some((index, engineer)) = input
            .engineers
            .iter()
            .enumerate()
            .find(|(_, e)| e.id == tour.vehicle_id)
        else {
            continue;
        };
        let date = shift_days
            .get(&(engineer.id.clone(), tour.shift_index))
            .copied()
            .unwrap_or(input.days[0]);
        let mut stops = vec![];
        let mut from = 2 * index;
        for s in &tour.stops {
            let (stop, loc) = if let Some(id) = s.job_id.strip_prefix("o:") {
                let Some(&(o, loc)) = orders.get(id) else {
                    continue;
                };
                let point = o.point.unwrap_or(GeoPoint {
                    latitude: 0.0,
                    longitude: 0.0,
                });
                (
                    ProposedStop {
                        work_order_id: o.id.clone(),
                        work_order_version: o.version,
                        visit_id: o.visit_id.clone(),
                        kind: if o.visit_id.is_some() {
                            StopKind::Moved
                        } else {
                            StopKind::New
                        },
                        customer_name: o.customer_name.clone(),
                        address: o.address.clone(),
                        latitude: point.latitude,
                        longitude: point.longitude,
                        arrival: time(s.arrival),
                        start: time(s.start),
                        end: time(s.end),
                        travel_minutes: 0,
                        travel_km: 0.0,
                    },
                    loc,
                )
            } else if let Some(id) = s.job_id.strip_prefix("b:") {
                let Some(&(b, loc)) = booked.get(id) else {
                    continue;
                };
                let point = b.point.unwrap_or(GeoPoint {
                    latitude: 0.0,
                    longitude: 0.0,
                });
                (
                    ProposedStop {
                        work_order_id: b.order_id.clone(),
                        work_order_version: 0,
                        visit_id: Some(b.visit_id.clone()),
                        kind: StopKind::Kept,
                        customer_name: b.customer_name.clone(),
                        address: b.address.clone(),
                        latitude: point.latitude,
                        longitude: point.longitude,
                        arrival: time(s.arrival),
                        start: b.start,
                        end: b.end,
                        travel_minutes: 0,
                        travel_km: 0.0,
                    },
                    loc,
                )
            } else {
                continue;
            };
            let (secs, metres) = matrix.between(from, loc);
            stops.push(ProposedStop {
                travel_minutes: (secs + 30) / 60,
                travel_km: km(metres),
                ..stop
            });
            from = loc;
        }
        let start = engineer.profile.start();
        let end = engineer.profile.end();
        routes.push(ProposedRoute {
            engineer_id: engineer.id.clone(),
            engineer_name: engineer.name.clone(),
            date,
            start_latitude: start.latitude,
            start_longitude: start.longitude,
            end_latitude: end.latitude,
            end_longitude: end.longitude,
            departure: time(tour.departure),
            return_at: time(tour.arrival),
            stops,
            break_start: tour.breaks.first().map(|b| time(b.0)),
            break_end: tour.breaks.first().map(|b| time(b.1)),
            travel_minutes: (tour.driving + 30) / 60,
            distance_km: km(tour.distance),
        });
    }
    routes.sort_by(|a, b| (a.date, &a.engineer_name).cmp(&(b.date, &b.engineer_name)));
    for (job_id, why) in &solution.unassigned {
        let Some(id) = job_id.strip_prefix("o:") else {
            continue;
        };
        let Some(&(o, _)) = orders.get(id) else {
            continue;
        };
        // Every order here could be reached alone: a skill or time refusal means
        // the skilled engineers' days were taken by other work.
        let reason = match why {
            solver::LeftOut::Skill => Unplanned::NoSkilledEngineer,
            _ => Unplanned::ShiftFull,
        };
        unassigned.push(LeftOut {
            work_order_id: o.id.clone(),
            customer_name: o.customer_name.clone(),
            reason,
            message: reason.explain().to_owned(),
        });
    }
    Plan {
        routes,
        unassigned,
        solver_seconds: (solution.seconds * 100.0).round() / 100.0,
    }
}
