//! Solomon's VRPTW instances through Orderly's route solver: vehicles and total
//! distance against the best-known values, at a fixed time limit per instance.
//!
//! `cargo bench --bench solomon [-- SECONDS [INSTANCE…]]` (default 30 s, every
//! instance in `ORDERLY_SOLOMON_DIR`, else `bench/data/solomon`). Prints a table
//! and writes `target/bench/solomon-orderly-<SECONDS>s.csv` for `bench/routing.sh`,
//! which sets it beside OR-Tools' and VROOM's runs on the same instances.
//! `ORDERLY_SOLOMON_THREADS` (default: every core) and `ORDERLY_SOLOMON_SEED` (the
//! search's random seed; the CSV's name then ends in `-seed<N>`) for the spread.
//!
//! The solver reads whole seconds, so coordinates, times and durations are scaled by
//! 1000 (travel rounds to 0.001 of a unit); the distance reported is recomputed
//! from each route's order in double precision, as the best-known values are.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;

use orderly::routing::solver::{solve, Goal, Job, Limits, Matrix, Problem, Shift, Vehicle};

const SCALE: f64 = 1000.0;

struct Instance {
    name: String,
    vehicles: usize,
    capacity: i32,
    /// x, y, demand, ready, due, service; row 0 is the depot.
    rows: Vec<[f64; 6]>,
}

fn read(path: &PathBuf) -> Instance {
    let text = std::fs::read_to_string(path).expect("instance file");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let name = lines[0].to_owned();
    let header = lines
        .iter()
        .position(|l| l.starts_with("NUMBER"))
        .expect("vehicle header");
    let fleet: Vec<f64> = lines[header + 1]
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let rows = lines
        .iter()
        .skip_while(|l| !l.starts_with("CUST NO"))
        .skip(1)
        .filter_map(|l| {
            let v: Vec<f64> = l.split_whitespace().map(|x| x.parse().unwrap()).collect();
            (v.len() == 7).then(|| [v[1], v[2], v[3], v[4], v[5], v[6]])
        })
        .collect();
    Instance {
        name,
        vehicles: fleet[0] as usize,
        capacity: fleet[1] as i32,
        rows,
    }
}

fn euclid(a: &[f64; 6], b: &[f64; 6]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn problem(instance: &Instance) -> Problem {
    let size = instance.rows.len();
    let mut durations = Vec::with_capacity(size * size);
    for a in &instance.rows {
        for b in &instance.rows {
            durations.push((euclid(a, b) * SCALE).round() as i64);
        }
    }
    let depot = &instance.rows[0];
    let jobs = instance.rows[1..]
        .iter()
        .enumerate()
        .map(|(i, r)| Job {
            id: (i + 1).to_string(),
            location: i + 1,
            duration: (r[5] * SCALE) as i64,
            windows: vec![((r[3] * SCALE) as i64, (r[4] * SCALE) as i64)],
            skills: vec![],
            demand: Some(r[2] as i32),
            value: 1.0,
            pinned: None,
        })
        .collect();
    let vehicles = (0..instance.vehicles)
        .map(|i| Vehicle {
            id: format!("v{i}"),
            shifts: vec![Shift {
                start_location: 0,
                start: (depot[3] * SCALE) as i64,
                end_location: Some(0),
                end: (depot[4] * SCALE) as i64,
                lunch: None,
            }],
            skills: vec![],
            capacity: Some(instance.capacity),
            max_jobs: None,
        })
        .collect();
    Problem {
        matrix: Matrix {
            size,
            distances: durations.clone(),
            durations,
        },
        jobs,
        vehicles,
        goal: Goal::FewestVehiclesThenDistance,
    }
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .peekable();
    let seconds: f64 = match args.peek().and_then(|a| a.parse().ok()) {
        Some(s) => {
            args.next();
            s
        }
        None => 30.0,
    };
    let only: Vec<String> = args.collect();
    let dir = std::env::var("ORDERLY_SOLOMON_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/data/solomon"))
        });
    let best: Vec<(String, usize, f64)> = std::fs::read_to_string(dir.join("best_known.csv"))
        .expect("best_known.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_owned(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .filter(|(name, _, _)| only.is_empty() || only.contains(name))
        .collect();
    let threads = std::env::var("ORDERLY_SOLOMON_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let seed: Option<u64> = std::env::var("ORDERLY_SOLOMON_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    println!(
        "Orderly's route solver (vrp-pragmatic), {seconds} s per instance, {threads} threads{}\n",
        seed.map(|s| format!(", seed {s}")).unwrap_or_default()
    );
    println!("| instance | best vehicles | best distance | vehicles | distance | distance ÷ best | seconds |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut csv = String::from("instance,vehicles,distance,seconds,unassigned\n");
    let mut ratios = vec![];
    for (name, best_vehicles, best_distance) in best {
        let instance = read(&dir.join(format!("{name}.txt")));
        assert_eq!(instance.name, name);
        let solution = solve(
            &problem(&instance),
            Limits {
                seconds,
                generations: None,
                threads,
                seed,
            },
        )
        .expect("solved");
        let mut distance = 0.0;
        for tour in &solution.tours {
            let mut at = 0;
            for stop in &tour.stops {
                let next: usize = stop.job_id.parse().unwrap();
                distance += euclid(&instance.rows[at], &instance.rows[next]);
                at = next;
            }
            distance += euclid(&instance.rows[at], &instance.rows[0]);
        }
        let ratio = distance / best_distance;
        ratios.push(ratio);
        println!(
            "| {name} | {best_vehicles} | {best_distance:.2} | {} | {distance:.2} | {ratio:.4} | {:.1} |{}",
            solution.tours.len(),
            solution.seconds,
            if solution.unassigned.is_empty() { String::new() } else { format!(" {} left out", solution.unassigned.len()) }
        );
        csv.push_str(&format!(
            "{name},{},{distance:.2},{:.2},{}\n",
            solution.tours.len(),
            solution.seconds,
            solution.unassigned.len()
        ));
    }
    let mean = ratios.iter().sum::<f64>() / ratios.len().max(1) as f64;
    println!("\nmean distance ÷ best-known: {mean:.4}");
    std::fs::create_dir_all("target/bench").expect("target/bench");
    let file = match seed {
        Some(seed) => format!("target/bench/solomon-orderly-{seconds}s-seed{seed}.csv"),
        None => format!("target/bench/solomon-orderly-{seconds}s.csv"),
    };
    std::fs::write(file, csv).expect("csv");
}
