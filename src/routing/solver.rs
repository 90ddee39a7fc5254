//! The embedded vehicle-routing solver (reinterpretcat's `vrp-pragmatic`), behind a
//! small problem of our own: the planner and the Solomon benchmark speak only these
//! types, so the solver crate can be upgraded or swapped in one file.
//!
//! Times are whole seconds on any clock (Unix time for the product, scaled units
//! for the benchmark); travel comes as a full matrix between location indices.

use std::io::BufWriter;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, SecondsFormat};
use vrp_pragmatic::core::models::Problem as CoreProblem;
use vrp_pragmatic::core::prelude::{Environment, Solver, VrpConfigBuilder};
use vrp_pragmatic::core::rosomaxa::evolution::TelemetryMode;
use vrp_pragmatic::core::rosomaxa::utils::{DefaultRandom, Parallelism, Random, TimeQuota};
use vrp_pragmatic::format::problem as api;
use vrp_pragmatic::format::problem::PragmaticProblem;
use vrp_pragmatic::format::solution as out;
use vrp_pragmatic::format::Location;

/// Travel between every pair of locations, row-major: `[from * size + to]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub size: usize,
    /// Seconds of driving.
    pub durations: Vec<i64>,
    /// Metres of road.
    pub distances: Vec<i64>,
}

impl Matrix {
    /// Seconds and metres from one location to another.
    pub fn between(&self, from: usize, to: usize) -> (i64, i64) {
        let i = from * self.size + to;
        (self.durations[i], self.distances[i])
    }
}

/// Something to do at one place: a visit to plan, or a booked one to keep.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub location: usize,
    /// Seconds on site.
    pub duration: i64,
    /// When the work may start (any of them); empty means any time in the shift.
    pub windows: Vec<(i64, i64)>,
    /// Skills the one who does it must all have.
    pub skills: Vec<String>,
    /// Load it takes from the vehicle (the benchmark's deliveries); `None` for service work.
    pub demand: Option<i32>,
    /// How much doing it is worth against leaving it out (priority); field service only.
    pub value: f64,
    /// A booked visit: only this vehicle, on this shift.
    pub pinned: Option<(String, usize)>,
}

/// One working period of a vehicle (an engineer's day).
#[derive(Debug, Clone)]
pub struct Shift {
    pub start_location: usize,
    pub start: i64,
    /// Where the day ends by `end`; `None` ends it at the last job, with no latest time.
    pub end_location: Option<usize>,
    pub end: i64,
    /// A break of `duration` seconds starting between `earliest` and `latest`, as a
    /// stop between two jobs.
    pub lunch: Option<Break>,
}

/// A required break inside a shift.
#[derive(Debug, Clone, Copy)]
pub struct Break {
    pub earliest: i64,
    pub latest: i64,
    pub duration: i64,
}

/// Who does the jobs: an engineer, or a truck of the benchmark.
#[derive(Debug, Clone)]
pub struct Vehicle {
    pub id: String,
    pub shifts: Vec<Shift>,
    pub skills: Vec<String>,
    pub capacity: Option<i32>,
    /// Most jobs in one shift.
    pub max_jobs: Option<usize>,
}

/// What a better plan means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Most valuable work done, then fewest left out, then least driving and waiting.
    FieldService,
    /// Solomon's rule: fewest vehicles, then least distance.
    FewestVehiclesThenDistance,
}

/// A whole problem.
#[derive(Debug, Clone)]
pub struct Problem {
    pub matrix: Matrix,
    pub jobs: Vec<Job>,
    pub vehicles: Vec<Vehicle>,
    pub goal: Goal,
}

/// How long and how the search runs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock budget in seconds.
    pub seconds: f64,
    /// Stop after this many generations too (with one thread, the same input then
    /// gives the same plan).
    pub generations: Option<usize>,
    /// Threads of the search; 1 makes it repeatable.
    pub threads: usize,
    /// Another starting point for the search's random choices (the benchmark's
    /// spread over seeds); `None` keeps the solver's own fixed seed.
    pub seed: Option<u64>,
}

/// A job in a tour, with its times.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub job_id: String,
    pub arrival: i64,
    /// When the work starts (after waiting for the window) and ends.
    pub start: i64,
    pub end: i64,
    pub departure: i64,
    /// Metres driven since the tour started, up to here.
    pub distance: i64,
}

/// One vehicle's shift, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    pub vehicle_id: String,
    pub shift_index: usize,
    pub departure: i64,
    pub arrival: i64,
    pub stops: Vec<Stop>,
    /// Breaks taken: (start, end).
    pub breaks: Vec<(i64, i64)>,
    pub distance: i64,
    pub driving: i64,
}

/// Why the solver left a job out, as it reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    Skill,
    Time,
    Capacity,
    TourSize,
    Other,
}

/// The best plan found.
#[derive(Debug, Clone)]
pub struct Solution {
    pub tours: Vec<Tour>,
    pub unassigned: Vec<(String, LeftOut)>,
    pub seconds: f64,
}

impl Solution {
    /// Total metres driven.
    pub fn distance(&self) -> i64 {
        self.tours.iter().map(|t| t.distance).sum()
    }
}

/// A problem the solver refused, or its failure.
#[derive(Debug, thiserror::Error)]
#[error("route solver: {0}")]
pub struct SolverError(pub String);

mod polish;
mod seeded;
use seeded::Seeded;

const PROFILE: &str = "road";

/// A lunch break outweighs any order (an urgent one is worth 10,000 to the planner).
const BREAK_WORTH: f64 = 100_000.0;

/// Solves on a fresh thread pool of its own, off any async executor: its threads
/// start with the solver's fixed seed, so one thread and a generation limit give
/// the same plan every time.
pub fn solve(problem: &Problem, limits: Limits) -> Result<Solution, SolverError> {
    let started = Instant::now();
    if problem.jobs.is_empty() || problem.vehicles.is_empty() {
        return Ok(Solution {
            tours: vec![],
            unassigned: problem
                .jobs
                .iter()
                .map(|j| (j.id.clone(), LeftOut::Other))
                .collect(),
            seconds: 0.0,
        });
    }
    let (api_problem, matrix) = to_pragmatic(compact(problem));
    let core = Arc::new(
        (api_problem, vec![matrix])
            .read_pragmatic()
            .map_err(|e| SolverError(e.to_string()))?,
    );
    let threads = limits.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| SolverError(e.to_string()))?;
    // The last twentieth of the budget (at most a second) is the improvement phase's.
    let polishing = (limits.seconds / 20.0).min(1.0);
    let budget = (limits.seconds - polishing - started.elapsed().as_secs_f64()).max(0.05);
    let random: Arc<dyn Random> = match limits.seed {
        Some(seed) => Arc::new(Seeded::new(seed)),
        None => Arc::new(DefaultRandom::new_repeatable()),
    };
    let solved = pool.install(|| run(core.clone(), budget, &limits, random))?;
    let mut buffer = BufWriter::new(Vec::new());
    out::write_pragmatic(
        &core,
        &solved,
        out::PragmaticOutputType::OnlyPragmatic,
        &mut buffer,
    )
    .map_err(|e| SolverError(e.to_string()))?;
    let bytes = buffer
        .into_inner()
        .map_err(|e| SolverError(e.to_string()))?;
    let written: out::Solution =
        serde_json::from_slice(&bytes).map_err(|e| SolverError(e.to_string()))?;
    let deadline = started + std::time::Duration::from_secs_f64(limits.seconds.max(0.0));
    let mut solution = polish::polish(problem, from_pragmatic(written, problem)?, deadline);
    solution.seconds = started.elapsed().as_secs_f64();
    Ok(solution)
}

/// The problem with only the locations it uses (the solver wants every matrix
/// index used): places of jobs the planner already left out are dropped.
fn compact(problem: &Problem) -> Problem {
    let mut used: Vec<usize> = problem.jobs.iter().map(|j| j.location).collect();
    for v in &problem.vehicles {
        for s in &v.shifts {
            used.push(s.start_location);
            used.extend(s.end_location);
        }
    }
    used.sort_unstable();
    used.dedup();
    let index = |old: usize| used.binary_search(&old).unwrap_or(0);
    let size = used.len();
    let mut durations = Vec::with_capacity(size * size);
    let mut distances = Vec::with_capacity(size * size);
    for &a in &used {
        for &b in &used {
            let (t, d) = problem.matrix.between(a, b);
            durations.push(t);
            distances.push(d);
        }
    }
    let mut out = Problem {
        matrix: Matrix {
            size,
            durations,
            distances,
        },
        jobs: problem.jobs.clone(),
        vehicles: problem.vehicles.clone(),
        goal: problem.goal,
    };
    for j in &mut out.jobs {
        j.location = index(j.location);
    }
    for v in &mut out.vehicles {
        for s in &mut v.shifts {
            s.start_location = index(s.start_location);
            s.end_location = s.end_location.map(index);
        }
    }
    out
}

fn run(
    core: Arc<CoreProblem>,
    seconds: f64,
    limits: &Limits,
    random: Arc<dyn Random>,
) -> Result<vrp_pragmatic::core::models::Solution, SolverError> {
    let environment = Arc::new(Environment {
        random,
        quota: Some(Arc::new(TimeQuota::new(seconds))),
        parallelism: Parallelism::new_with_cpus(limits.threads.max(1)),
        logger: Arc::new(|_: &str| {}),
        is_experimental: false,
    });
    let config = VrpConfigBuilder::new(core.clone())
        .set_environment(environment)
        .set_telemetry_mode(TelemetryMode::None)
        .prebuild()
        .map_err(|e| SolverError(e.to_string()))?
        .with_max_time(Some(seconds.ceil() as usize))
        .with_max_generations(limits.generations)
        .build()
        .map_err(|e| SolverError(e.to_string()))?;
    Solver::new(core, config)
        .solve()
        .map_err(|e| SolverError(e.to_string()))
}

/// Seconds on the solver's clock as RFC 3339 (it reads times only that way).
fn stamp(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn unstamp(text: &str) -> Result<i64, SolverError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|e| SolverError(format!("time {text}: {e}")))
}

fn at(index: usize) -> Location {
    Location::Reference { index }
}

/// The crate's problem; the matrix is moved into it, not copied (the largest
/// part of a big problem's memory).
fn to_pragmatic(problem: Problem) -> (api::Problem, api::Matrix) {
    let valued = problem.goal == Goal::FieldService;
    let jobs = problem.jobs.iter().map(|j| to_job(j, valued)).collect();
    let relations: Vec<api::Relation> = problem
        .jobs
        .iter()
        .filter_map(|j| {
            j.pinned.as_ref().map(|(vehicle, shift)| api::Relation {
                type_field: api::RelationType::Any,
                jobs: vec![j.id.clone()],
                vehicle_id: vehicle.clone(),
                shift_index: Some(*shift),
            })
        })
        .collect();
    let (costs, objectives) = match problem.goal {
        Goal::FieldService => (
            // Roughly: a minute of the engineer's time weighs as much as a kilometre.
            api::VehicleCosts {
                fixed: None,
                distance: 0.001,
                time: 0.0166,
            },
            vec![
                api::Objective::MaximizeValue {
                    breaks: Some(BREAK_WORTH),
                },
                api::Objective::MinimizeUnassigned { breaks: Some(1.) },
                api::Objective::MinimizeCost,
            ],
        ),
        Goal::FewestVehiclesThenDistance => (
            api::VehicleCosts {
                fixed: None,
                distance: 1.,
                time: 0.,
            },
            vec![
                api::Objective::MinimizeUnassigned { breaks: None },
                api::Objective::MinimizeTours,
                api::Objective::MinimizeDistance,
            ],
        ),
    };
    let vehicles = problem
        .vehicles
        .iter()
        .map(|v| api::VehicleType {
            type_id: v.id.clone(),
            vehicle_ids: vec![v.id.clone()],
            profile: api::VehicleProfile {
                matrix: PROFILE.into(),
                scale: None,
            },
            costs: costs.clone(),
            shifts: v.shifts.iter().map(to_shift).collect(),
            capacity: vec![v.capacity.unwrap_or(0)],
            skills: (!v.skills.is_empty()).then(|| v.skills.clone()),
            limits: v.max_jobs.map(|n| api::VehicleLimits {
                max_distance: None,
                max_duration: None,
                tour_size: Some(n),
            }),
        })
        .collect();
    let api_problem = api::Problem {
        plan: api::Plan {
            jobs,
            relations: (!relations.is_empty()).then_some(relations),
            clustering: None,
        },
        fleet: api::Fleet {
            vehicles,
            profiles: vec![api::MatrixProfile {
                name: PROFILE.into(),
                speed: None,
            }],
            resources: None,
        },
        objectives: Some(objectives),
    };
    let matrix = api::Matrix {
        profile: Some(PROFILE.into()),
        timestamp: None,
        travel_times: problem.matrix.durations,
        distances: problem.matrix.distances,
        error_codes: None,
    };
    (api_problem, matrix)
}

fn to_job(job: &Job, valued: bool) -> api::Job {
    let task = api::JobTask {
        places: vec![api::JobPlace {
            location: at(job.location),
            duration: job.duration as f64,
            times: (!job.windows.is_empty()).then(|| {
                job.windows
                    .iter()
                    .map(|(a, b)| vec![stamp(*a), stamp(*b)])
                    .collect()
            }),
            tag: None,
        }],
        demand: job.demand.map(|d| vec![d]),
        order: None,
    };
    let (services, deliveries) = if job.demand.is_some() {
        (None, Some(vec![task]))
    } else {
        (Some(vec![task]), None)
    };
    api::Job {
        id: job.id.clone(),
        pickups: None,
        deliveries,
        replacements: None,
        services,
        skills: (!job.skills.is_empty()).then(|| api::JobSkills {
            all_of: Some(job.skills.clone()),
            one_of: None,
            none_of: None,
        }),
        value: valued.then_some(job.value),
        group: None,
        compatibility: None,
    }
}

fn to_shift(shift: &Shift) -> api::VehicleShift {
    api::VehicleShift {
        start: api::ShiftStart {
            earliest: stamp(shift.start),
            latest: None,
            location: at(shift.start_location),
        },
        end: shift.end_location.map(|location| api::ShiftEnd {
            earliest: None,
            latest: stamp(shift.end),
            location: at(location),
        }),
        // An optional break is a stop of its own between two jobs (a required one
        // is laid over whatever work is under way, and shifts booked visits).
        // It is skipped only when the day does not reach its time; its worth in
        // the goal keeps it from being traded for work.
        breaks: shift.lunch.map(|b| {
            vec![api::VehicleBreak::Optional {
                time: api::VehicleOptionalBreakTime::TimeWindow(vec![
                    stamp(b.earliest),
                    stamp(b.latest),
                ]),
                places: vec![api::VehicleOptionalBreakPlace {
                    duration: b.duration as f64,
                    location: None,
                    tag: None,
                }],
                policy: Some(api::VehicleOptionalBreakPolicy::SkipIfNoIntersection),
            }]
        }),
        reloads: None,
        recharges: None,
    }
}

fn from_pragmatic(solution: out::Solution, problem: &Problem) -> Result<Solution, SolverError> {
    let durations: std::collections::HashMap<&str, i64> = problem
        .jobs
        .iter()
        .map(|j| (j.id.as_str(), j.duration))
        .collect();
    let mut tours = Vec::with_capacity(solution.tours.len());
    for tour in solution.tours {
        let mut stops = vec![];
        let mut breaks = vec![];
        let (mut departure, mut arrival) = (None, 0);
        for stop in &tour.stops {
            let schedule = stop.schedule();
            let (stop_arrival, stop_departure) =
                (unstamp(&schedule.arrival)?, unstamp(&schedule.departure)?);
            let distance = stop.as_point().map_or(0, |p| p.distance);
            for activity in stop.activities() {
                // A required break the solver lays over a job stretches the job's
                // interval; the work itself still takes its duration, and the
                // break follows it. A stop with one activity carries no activity
                // time: the work ends at departure (any waiting came before).
                let d = durations.get(activity.job_id.as_str()).copied();
                let (start, end) = match (&activity.time, d) {
                    (Some(t), Some(d)) => {
                        let start = unstamp(&t.start)?;
                        (start, start + d)
                    }
                    (Some(t), None) => (unstamp(&t.start)?, unstamp(&t.end)?),
                    (None, d) => (stop_departure - d.unwrap_or(0), stop_departure),
                };
                match activity.activity_type.as_str() {
                    "departure" => departure = Some(stop_departure),
                    "arrival" => arrival = stop_arrival,
                    "break" => breaks.push((start, end)),
                    _ => stops.push(Stop {
                        job_id: activity.job_id.clone(),
                        arrival: stop_arrival,
                        start,
                        end,
                        departure: stop_departure,
                        distance,
                    }),
                }
            }
            arrival = arrival.max(stop_arrival);
        }
        tours.push(Tour {
            vehicle_id: tour.vehicle_id,
            shift_index: tour.shift_index,
            departure: departure.unwrap_or_default(),
            arrival,
            stops,
            breaks,
            distance: tour.statistic.distance,
            driving: tour.statistic.times.driving,
        });
    }
    let unassigned = solution
        .unassigned
        .unwrap_or_default()
        .into_iter()
        .filter(|u| !u.job_id.starts_with("break"))
        .map(|u| {
            let reason = match u.reasons.first().map(|r| r.code.as_str()) {
                Some("SKILL_CONSTRAINT") => LeftOut::Skill,
                Some("TIME_WINDOW_CONSTRAINT") | Some("BREAK_CONSTRAINT") => LeftOut::Time,
                Some("CAPACITY_CONSTRAINT") => LeftOut::Capacity,
                Some("TOUR_SIZE_CONSTRAINT") => LeftOut::TourSize,
                _ => LeftOut::Other,
            };
            (u.job_id, reason)
        })
        .collect();
    Ok(Solution {
        tours,
        unassigned,
        seconds: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four places on a line, 1 km (120 s) apart; the depot at 0.
    pub(super) fn line() -> Matrix {
        let size = 4;
        let mut durations = vec![];
        let mut distances = vec![];
        for a in 0..size as i64 {
            for b in 0..size as i64 {
                durations.push((a - b).abs() * 120);
                distances.push((a - b).abs() * 1000);
            }
        }
        Matrix {
            size,
            durations,
            distances,
        }
    }

    pub(super) fn job(id: &str, location: usize) -> Job {
        Job {
            id: id.into(),
            location,
            duration: 1800,
            windows: vec![],
            skills: vec![],
            demand: None,
            value: 1.0,
            pinned: None,
        }
    }

    pub(super) fn engineer(id: &str, skills: &[&str]) -> Vehicle {
        Vehicle {
            id: id.into(),
            shifts: vec![Shift {
                start_location: 0,
                start: 0,
                end_location: Some(0),
                end: 8 * 3600,
                lunch: None,
            }],
            skills: skills.iter().map(|s| s.to_string()).collect(),
            capacity: None,
            max_jobs: None,
        }
    }

    const QUICK: Limits = Limits {
        seconds: 5.0,
        generations: Some(50),
        threads: 1,
        seed: None,
    };

    #[test]
    fn plans_in_order_along_the_line_with_times() {
        let mut open = engineer("e1", &[]);
        open.shifts[0].end_location = None;
        let problem = Problem {
            matrix: line(),
            jobs: vec![job("c", 3), job("a", 1), job("b", 2)],
            vehicles: vec![open],
            goal: Goal::FieldService,
        };
        let solution = solve(&problem, QUICK).unwrap();
        assert!(solution.unassigned.is_empty());
        let tour = &solution.tours[0];
        let order: Vec<&str> = tour.stops.iter().map(|s| s.job_id.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
        for pair in tour.stops.windows(2) {
            assert_eq!(pair[1].arrival, pair[0].departure + 120);
            assert_eq!(pair[0].end - pair[0].start, 1800);
        }
        assert_eq!(solution.distance(), 3000);
    }

    #[test]
    fn skills_windows_and_pins_are_kept() {
        let mut gas = job("gas", 1);
        gas.skills = vec!["gas".into()];
        let mut late = job("late", 2);
        late.windows = vec![(4 * 3600, 5 * 3600)];
        let mut never = job("never", 3);
        never.windows = vec![(20 * 3600, 21 * 3600)];
        let mut pinned = job("booked", 3);
        pinned.pinned = Some(("e1".into(), 0));
        pinned.windows = vec![(3600, 3600)];
        let problem = Problem {
            matrix: line(),
            jobs: vec![gas, late, never, pinned],
            vehicles: vec![engineer("e1", &[]), engineer("e2", &["gas"])],
            goal: Goal::FieldService,
        };
        let solution = solve(&problem, QUICK).unwrap();
        let tour_of = |job: &str| {
            solution
                .tours
                .iter()
                .find(|t| t.stops.iter().any(|s| s.job_id == job))
                .map(|t| t.vehicle_id.as_str())
        };
        assert_eq!(tour_of("gas"), Some("e2"));
        assert_eq!(tour_of("booked"), Some("e1"));
        let late = solution
            .tours
            .iter()
            .flat_map(|t| &t.stops)
            .find(|s| s.job_id == "late")
            .unwrap();
        assert!((4 * 3600..=5 * 3600).contains(&late.start), "{late:?}");
        assert_eq!(solution.unassigned, vec![("never".into(), LeftOut::Time)]);
    }

    #[test]
    fn one_thread_and_a_generation_limit_repeat_the_plan_quality() {
        let jobs: Vec<Job> = (0..12).map(|i| job(&format!("j{i}"), 1 + i % 3)).collect();
        let problem = Problem {
            matrix: line(),
            jobs,
            vehicles: vec![engineer("e1", &[]), engineer("e2", &[])],
            goal: Goal::FieldService,
        };
        // Equal plans may break ties differently (which of two alike engineers), but
        // never differ in what they cost.
        let quality = |s: Solution| {
            let driving: i64 = s.tours.iter().map(|t| t.driving).sum();
            (s.distance(), driving, s.unassigned.len())
        };
        let a = quality(solve(&problem, QUICK).unwrap());
        let b = quality(solve(&problem, QUICK).unwrap());
        assert_eq!(a, b);
    }
}
