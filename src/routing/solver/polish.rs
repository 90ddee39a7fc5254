//! An improvement phase after the evolutionary search. The ruin-and-recreate search
//! of the solver crate finds good tours quickly but, on long tours (Solomon's R2 and
//! RC2: few vehicles, 25+ stops each), stops short of a local optimum: the same input
//! ends 10 % apart from run to run (README "Routes"). Classic moves — relocate a stop
//! or a run of up to three, swap two stops, exchange two tours' tails (2-opt*),
//! reverse a stretch (2-opt) — taken while each makes the plan better, close most of
//! that gap in milliseconds.
//!
//! Every candidate is checked by replaying its tour against everything the problem
//! states (windows, shift hours, lunch, skills, pins, capacity, most jobs), so a move
//! never makes a plan the search would have refused; a tour the replay does not
//! accept as it came from the search is left exactly as it is. Which jobs are
//! planned never changes, only who does them, when and in what order.

use std::collections::HashMap;
use std::time::Instant;

use super::{Break, Goal, Problem, Solution, Stop, Tour};

/// Cost weights per metre and per second of a tour, as the search's own.
fn weights(goal: Goal) -> (f64, f64) {
    match goal {
        Goal::FieldService => (0.001, 0.0166),
        Goal::FewestVehiclesThenDistance => (1.0, 0.0),
    }
}

/// One engineer's shift and the jobs in it, by index into `problem.jobs`.
#[derive(Clone)]
struct Route {
    vehicle: usize,
    shift: usize,
    jobs: Vec<usize>,
    /// The replay refused the search's own tour: never touched.
    frozen: bool,
    /// Its cost under the goal's weights.
    cost: f64,
    /// Moved since the search: its times are replayed for the answer.
    changed: bool,
}

/// What the replay of a tour gives.
struct Replay {
    departure: i64,
    arrival: i64,
    distance: i64,
    driving: i64,
}

/// The stops and breaks of a replayed tour, when the answer needs them.
#[derive(Default)]
struct Timetable {
    stops: Vec<Stop>,
    breaks: Vec<(i64, i64)>,
}

struct Polisher<'a> {
    problem: &'a Problem,
    weights: (f64, f64),
    deadline: Instant,
}

/// Improves `solution` until no move helps or `deadline` passes.
pub(super) fn polish(problem: &Problem, solution: Solution, deadline: Instant) -> Solution {
    let polisher = Polisher {
        problem,
        weights: weights(problem.goal),
        deadline,
    };
    let Some(mut routes) = polisher.routes(&solution) else {
        return solution;
    };
    if !polisher.improve(&mut routes) {
        return solution;
    }
    polisher.answer(solution, &routes)
}

impl Polisher<'_> {
    /// Every vehicle's every shift as a route (empty ones too: a stop may move there),
    /// or `None` when the solution names something the problem does not.
    fn routes(&self, solution: &Solution) -> Option<Vec<Route>> {
        let job_index: HashMap<&str, usize> = self
            .problem
            .jobs
            .iter()
            .enumerate()
            .map(|(i, j)| (j.id.as_str(), i))
            .collect();
        let mut routes = vec![];
        let mut at = HashMap::new();
        for (v, vehicle) in self.problem.vehicles.iter().enumerate() {
            for s in 0..vehicle.shifts.len() {
                at.insert((vehicle.id.as_str(), s), routes.len());
                routes.push(Route {
                    vehicle: v,
                    shift: s,
                    jobs: vec![],
                    frozen: false,
                    cost: 0.0,
                    changed: false,
                });
            }
        }
        for tour in &solution.tours {
            let r = *at.get(&(tour.vehicle_id.as_str(), tour.shift_index))?;
            for stop in &tour.stops {
                routes[r].jobs.push(*job_index.get(stop.job_id.as_str())?);
            }
        }
        for route in &mut routes {
            match self.cost(route.vehicle, route.shift, &route.jobs) {
                Some(cost) => route.cost = cost,
                None => route.frozen = true,
            }
        }
        Some(routes)
    }

    /// The tour's cost, `None` when it breaks a rule. An empty shift costs nothing.
    fn cost(&self, vehicle: usize, shift: usize, jobs: &[usize]) -> Option<f64> {
        if jobs.is_empty() {
            return Some(0.0);
        }
        let r = self.replay(vehicle, shift, jobs, None)?;
        let (per_metre, per_second) = self.weights;
        Some(r.distance as f64 * per_metre + (r.arrival - r.departure) as f64 * per_second)
    }

    /// Drives the tour as planned: each job started at the earliest moment its
    /// windows allow, lunch taken at the first stop past its earliest start (or
    /// waited for, when the next job would end past its latest start), home by the
    /// shift's end. Records the stops when asked.
    fn replay(
        &self,
        vehicle: usize,
        shift: usize,
        jobs: &[usize],
        mut record: Option<&mut Timetable>,
    ) -> Option<Replay> {
        let problem = self.problem;
        let v = &problem.vehicles[vehicle];
        let s = &v.shifts[shift];
        if v.max_jobs.is_some_and(|n| jobs.len() > n) {
            return None;
        }
        let mut load = 0;
        for &j in jobs {
            let job = &problem.jobs[j];
            if !job.skills.iter().all(|k| v.skills.contains(k)) {
                return None;
            }
            if let Some((pin_vehicle, pin_shift)) = &job.pinned {
                if *pin_vehicle != v.id || *pin_shift != shift {
                    return None;
                }
            }
            load += job.demand.unwrap_or(0);
        }
        if load > v.capacity.unwrap_or(0) {
            return None;
        }
        let mut lunch = s.lunch;
        let mut t = s.start;
        let mut departure = s.start;
        let mut place = s.start_location;
        let (mut distance, mut driving) = (0, 0);
        for (k, &j) in jobs.iter().enumerate() {
            let job = &problem.jobs[j];
            let (secs, metres) = problem.matrix.between(place, job.location);
            if let Some(b) = lunch {
                let ends_after = earliest_start(&job.windows, t + secs)? + job.duration;
                if t >= b.earliest || ends_after > b.latest {
                    t = take_lunch(b, t, record.as_deref_mut())?;
                    lunch = None;
                }
            }
            let arrival = t + secs;
            let start = earliest_start(&job.windows, arrival)?;
            if k == 0 && s.lunch.is_none_or(|_| lunch.is_some()) {
                // Leave later rather than wait at the first door.
                departure = s.start + (start - arrival);
            }
            let arrival = if k == 0 {
                arrival.max(departure + secs)
            } else {
                arrival
            };
            distance += metres;
            driving += secs;
            t = start + job.duration;
            place = job.location;
            if let Some(r) = record.as_mut() {
                r.stops.push(Stop {
                    job_id: job.id.clone(),
                    arrival,
                    start,
                    end: t,
                    departure: t,
                    distance,
                });
            }
        }
        let home = s.end_location.map(|e| problem.matrix.between(place, e));
        if let Some(b) = lunch {
            let back = t + home.map_or(0, |(secs, _)| secs);
            if back >= b.earliest {
                t = take_lunch(b, t, record)?;
            }
        }
        if let Some((secs, metres)) = home {
            t += secs;
            distance += metres;
            driving += secs;
            if t > s.end {
                return None;
            }
        }
        Some(Replay {
            departure,
            arrival: t,
            distance,
            driving,
        })
    }

    /// Rounds of first-improvement moves; true when anything changed.
    fn improve(&self, routes: &mut [Route]) -> bool {
        let mut any = false;
        loop {
            let mut better = false;
            better |= self.relocate(routes);
            better |= self.swap(routes);
            better |= self.two_opt_star(routes);
            better |= self.reverse(routes);
            any |= better;
            if !better || Instant::now() >= self.deadline {
                return any;
            }
        }
    }

    /// Whether new costs for some routes beat their old ones, under the goal: fewer
    /// tours first for Solomon's rule, then the cost.
    fn gains(&self, before: &[&Route], after: &[(&[usize], f64)]) -> bool {
        let old: f64 = before.iter().map(|r| r.cost).sum();
        let new: f64 = after.iter().map(|(_, c)| c).sum();
        if self.problem.goal == Goal::FewestVehiclesThenDistance {
            let used_before = before.iter().filter(|r| !r.jobs.is_empty()).count();
            let used_after = after.iter().filter(|(j, _)| !j.is_empty()).count();
            if used_after != used_before {
                return used_after < used_before;
            }
        }
        new < old - 1e-6
    }

    fn try_pair(
        &self,
        routes: &mut [Route],
        a: usize,
        b: usize,
        ja: Vec<usize>,
        jb: Vec<usize>,
    ) -> bool {
        let Some(ca) = self.cost(routes[a].vehicle, routes[a].shift, &ja) else {
            return false;
        };
        let cb = if a == b {
            0.0
        } else {
            match self.cost(routes[b].vehicle, routes[b].shift, &jb) {
                Some(c) => c,
                None => return false,
            }
        };
        let wins = if a == b {
            self.gains(&[&routes[a]], &[(&ja, ca)])
        } else {
            self.gains(&[&routes[a], &routes[b]], &[(&ja, ca), (&jb, cb)])
        };
        if wins {
            routes[a].jobs = ja;
            routes[a].cost = ca;
            routes[a].changed = true;
            if a != b {
                routes[b].jobs = jb;
                routes[b].cost = cb;
                routes[b].changed = true;
            }
        }
        wins
    }

    fn open(&self, routes: &[Route]) -> Vec<usize> {
        (0..routes.len()).filter(|&r| !routes[r].frozen).collect()
    }

    /// A run of one to three stops moved elsewhere, in its tour or another.
    fn relocate(&self, routes: &mut [Route]) -> bool {
        let open = self.open(routes);
        let mut any = false;
        for &a in &open {
            if Instant::now() >= self.deadline {
                break;
            }
            for len in 1..=3 {
                let mut i = 0;
                while i + len <= routes[a].jobs.len() {
                    let mut moved = false;
                    'targets: for &b in &open {
                        if b != a && routes[b].jobs.is_empty() && routes[a].jobs.len() == len {
                            continue; // an empty shift for a whole tour: no gain
                        }
                        let mut rest = routes[a].jobs.clone();
                        let run: Vec<usize> = rest.drain(i..i + len).collect();
                        let target = if a == b {
                            rest.clone()
                        } else {
                            routes[b].jobs.clone()
                        };
                        for p in 0..=target.len() {
                            if a == b && p == i {
                                continue;
                            }
                            let mut into = target.clone();
                            into.splice(p..p, run.iter().copied());
                            let done = if a == b {
                                self.try_pair(routes, a, a, into, vec![])
                            } else {
                                self.try_pair(routes, a, b, rest.clone(), into)
                            };
                            if done {
                                moved = true;
                                break 'targets;
                            }
                        }
                    }
                    any |= moved;
                    if !moved {
                        i += 1;
                    }
                }
            }
        }
        any
    }

    /// A move tried on every pair of tours not frozen, until the deadline.
    fn over_pairs(
        &self,
        routes: &mut [Route],
        mut each: impl FnMut(&mut [Route], usize, usize) -> bool,
    ) -> bool {
        let open = self.open(routes);
        let mut any = false;
        for (x, &a) in open.iter().enumerate() {
            if Instant::now() >= self.deadline {
                break;
            }
            for &b in &open[x + 1..] {
                any |= each(routes, a, b);
            }
        }
        any
    }

    /// Two stops of different tours trade places.
    fn swap(&self, routes: &mut [Route]) -> bool {
        self.over_pairs(routes, |routes, a, b| {
            let mut any = false;
            for i in 0..routes[a].jobs.len() {
                for k in 0..routes[b].jobs.len() {
                    let (mut ja, mut jb) = (routes[a].jobs.clone(), routes[b].jobs.clone());
                    std::mem::swap(&mut ja[i], &mut jb[k]);
                    any |= self.try_pair(routes, a, b, ja, jb);
                }
            }
            any
        })
    }

    /// Two tours exchange their ends (2-opt*): each keeps its start and takes the
    /// other's rest of the day. After an exchange the two tours are new: the next
    /// pair's turn.
    fn two_opt_star(&self, routes: &mut [Route]) -> bool {
        self.over_pairs(routes, |routes, a, b| {
            for i in 0..=routes[a].jobs.len() {
                for k in 0..=routes[b].jobs.len() {
                    let (ra, rb) = (&routes[a].jobs, &routes[b].jobs);
                    if (i == 0 && k == 0) || (i == ra.len() && k == rb.len()) {
                        continue;
                    }
                    let ja: Vec<usize> = ra[..i].iter().chain(&rb[k..]).copied().collect();
                    let jb: Vec<usize> = rb[..k].iter().chain(&ra[i..]).copied().collect();
                    if self.try_pair(routes, a, b, ja, jb) {
                        return true;
                    }
                }
            }
            false
        })
    }

    /// A stretch of one tour driven the other way round (2-opt).
    fn reverse(&self, routes: &mut [Route]) -> bool {
        let open = self.open(routes);
        let mut any = false;
        for &a in &open {
            let n = routes[a].jobs.len();
            for i in 0..n {
                for k in i + 1..n {
                    let mut ja = routes[a].jobs.clone();
                    ja[i..=k].reverse();
                    any |= self.try_pair(routes, a, a, ja, vec![]);
                }
            }
        }
        any
    }

    /// The solution with the changed tours replayed; the rest as the search left them.
    fn answer(&self, solution: Solution, routes: &[Route]) -> Solution {
        let mut kept: HashMap<(String, usize), Tour> = solution
            .tours
            .into_iter()
            .map(|t| ((t.vehicle_id.clone(), t.shift_index), t))
            .collect();
        let mut tours = vec![];
        for route in routes {
            let vehicle = &self.problem.vehicles[route.vehicle];
            let key = (vehicle.id.clone(), route.shift);
            let original = kept.remove(&key);
            if route.jobs.is_empty() {
                continue;
            }
            if !route.changed {
                tours.extend(original);
                continue;
            }
            let mut timetable = Timetable::default();
            let Some(r) = self.replay(
                route.vehicle,
                route.shift,
                &route.jobs,
                Some(&mut timetable),
            ) else {
                tours.extend(original);
                continue;
            };
            tours.push(Tour {
                vehicle_id: vehicle.id.clone(),
                shift_index: route.shift,
                departure: r.departure,
                arrival: r.arrival,
                stops: timetable.stops,
                breaks: timetable.breaks,
                distance: r.distance,
                driving: r.driving,
            });
        }
        Solution { tours, ..solution }
    }
}

/// Lunch from `t` (or from its earliest start, waited for); the time it ends, or
/// `None` when it would start past its latest.
fn take_lunch(b: Break, t: i64, record: Option<&mut Timetable>) -> Option<i64> {
    let from = t.max(b.earliest);
    if from > b.latest {
        return None;
    }
    if let Some(r) = record {
        r.breaks.push((from, from + b.duration));
    }
    Some(from + b.duration)
}

/// The earliest start at or after `arrival` inside one of the windows (none: any time).
fn earliest_start(windows: &[(i64, i64)], arrival: i64) -> Option<i64> {
    if windows.is_empty() {
        return Some(arrival);
    }
    windows
        .iter()
        .filter(|(_, end)| arrival <= *end)
        .map(|(start, _)| arrival.max(*start))
        .min()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::tests::{engineer, job, line};
    use super::super::{Job, Vehicle};
    use super::*;

    fn later() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    fn tour(vehicle: &str, jobs: &[&str]) -> Tour {
        Tour {
            vehicle_id: vehicle.into(),
            shift_index: 0,
            departure: 0,
            arrival: 0,
            stops: jobs
                .iter()
                .map(|j| Stop {
                    job_id: (*j).into(),
                    arrival: 0,
                    start: 0,
                    end: 0,
                    departure: 0,
                    distance: 0,
                })
                .collect(),
            breaks: vec![],
            distance: 0,
            driving: 0,
        }
    }

    fn solved(tours: Vec<Tour>) -> Solution {
        Solution {
            tours,
            unassigned: vec![],
            seconds: 0.0,
        }
    }

    fn problem(jobs: Vec<Job>, vehicles: Vec<Vehicle>, goal: Goal) -> Problem {
        Problem {
            matrix: line(),
            jobs,
            vehicles,
            goal,
        }
    }

    fn order(solution: &Solution, vehicle: &str) -> Vec<String> {
        solution
            .tours
            .iter()
            .filter(|t| t.vehicle_id == vehicle)
            .flat_map(|t| t.stops.iter().map(|s| s.job_id.clone()))
            .collect()
    }

    #[test]
    fn a_zigzag_is_driven_in_order_with_replayed_times() {
        // The day ends at the last job: one order is shortest.
        let mut open = engineer("e1", &[]);
        open.shifts[0].end_location = None;
        let p = problem(
            vec![job("a", 1), job("b", 2), job("c", 3)],
            vec![open],
            Goal::FieldService,
        );
        let out = polish(&p, solved(vec![tour("e1", &["c", "a", "b"])]), later());
        assert_eq!(order(&out, "e1"), ["a", "b", "c"]);
        let t = &out.tours[0];
        assert_eq!(t.distance, 3000);
        assert_eq!(t.stops[0].arrival, 120);
        assert_eq!(t.stops[1].start, t.stops[0].end + 120);
        assert_eq!(t.arrival, t.stops[2].end);
    }

    #[test]
    fn windows_skills_and_pins_hold_against_a_shorter_drive() {
        // Driving a, b, c in line order would be shorter, but c must start first.
        let mut c = job("c", 3);
        c.windows = vec![(0, 600)];
        let mut gas = job("gas", 1);
        gas.skills = vec!["gas".into()];
        let mut pinned = job("pinned", 2);
        pinned.pinned = Some(("e2".into(), 0));
        let p = problem(
            vec![job("a", 1), job("b", 2), c, gas, pinned],
            vec![engineer("e1", &["gas"]), engineer("e2", &[])],
            Goal::FieldService,
        );
        let out = polish(
            &p,
            solved(vec![
                tour("e1", &["c", "b", "a", "gas"]),
                tour("e2", &["pinned"]),
            ]),
            later(),
        );
        assert!(order(&out, "e1").contains(&"gas".to_string()));
        assert!(order(&out, "e2").contains(&"pinned".to_string()));
        let c = out
            .tours
            .iter()
            .flat_map(|t| &t.stops)
            .find(|s| s.job_id == "c");
        assert!(c.is_some_and(|s| s.start <= 600));
    }

    #[test]
    fn solomons_rule_empties_a_tour_when_another_can_take_its_stop() {
        let p = problem(
            vec![job("a", 1), job("b", 2)],
            vec![engineer("e1", &[]), engineer("e2", &[])],
            Goal::FewestVehiclesThenDistance,
        );
        let out = polish(
            &p,
            solved(vec![tour("e1", &["a"]), tour("e2", &["b"])]),
            later(),
        );
        assert_eq!(out.tours.len(), 1);
        assert_eq!(out.tours[0].stops.len(), 2);
    }

    #[test]
    fn lunch_is_kept_inside_its_window_and_a_tour_the_replay_refuses_is_left_alone() {
        let mut e1 = engineer("e1", &[]);
        e1.shifts[0].lunch = Some(Break {
            earliest: 3600,
            latest: 4200,
            duration: 1800,
        });
        let p = problem(
            vec![job("a", 1), job("b", 2), job("c", 3)],
            vec![e1],
            Goal::FieldService,
        );
        let out = polish(&p, solved(vec![tour("e1", &["c", "a", "b"])]), later());
        let t = &out.tours[0];
        assert_eq!(t.breaks.len(), 1);
        let (from, to) = t.breaks[0];
        assert!((3600..=4200).contains(&from) && to == from + 1800, "{t:?}");
        // A tour ending past its shift is the search's business, not ours.
        let mut short = engineer("e1", &[]);
        short.shifts[0].end = 600;
        let p = problem(
            vec![job("a", 1), job("c", 3)],
            vec![short],
            Goal::FieldService,
        );
        let out = polish(&p, solved(vec![tour("e1", &["c", "a"])]), later());
        assert_eq!(order(&out, "e1"), ["c", "a"]);
    }
}
