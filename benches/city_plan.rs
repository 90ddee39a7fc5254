//! A company's week planned at once, as `POST /route-plans` plans it (without the
//! HTTP and database around it): engineers, orders and days of a generated city
//! around Kyiv (`benches/city`), straight-line travel, every core.
//!
//! `cargo bench --bench city_plan -- [ENGINEERS ORDERS DAYS SECONDS] [--write FILE]`
//! (default 50 1000 5 60). Prints one table row: wall time, orders planned of those
//! that can be, booked visits kept, driving, distance and the process's peak
//! memory; appends it to `target/bench/city-orderly.csv`. `--write FILE` instead
//! saves the solver's problem as JSON, for OR-Tools and VROOM on the same problem
//! (`bench/ortools_city.py`, `bench/vroom_city.py`); `bench/city.sh` runs all three.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod city;

use std::io::Write;

use serde_json::json;

use orderly::routing::planner::{self, StopKind};
use orderly::routing::solver::Problem;
use orderly::routing::travel::straight_line;
use orderly::routing::RoutingSettings;

/// The process's peak resident memory, in MiB (Linux).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The solver's problem as JSON: times in Unix seconds, windows for the start of
/// the work, the matrix row-major.
fn write_problem(problem: &Problem, feasible: usize, path: &str) {
    let shifts = |v: &orderly::routing::solver::Vehicle| {
        v.shifts
            .iter()
            .map(|s| {
                json!({
                    "start_location": s.start_location,
                    "start": s.start,
                    "end_location": s.end_location,
                    "end": s.end,
                    "lunch": s.lunch.map(|b| json!({
                        "earliest": b.earliest, "latest": b.latest, "duration": b.duration
                    })),
                })
            })
            .collect::<Vec<_>>()
    };
    let value = json!({
        "feasible": feasible,
        "matrix": {
            "size": problem.matrix.size,
            "durations": problem.matrix.durations,
            "distances": problem.matrix.distances,
        },
        "vehicles": problem.vehicles.iter().map(|v| json!({
            "id": v.id, "skills": v.skills, "max_jobs": v.max_jobs, "shifts": shifts(v),
        })).collect::<Vec<_>>(),
        "jobs": problem.jobs.iter().map(|j| json!({
            "id": j.id, "location": j.location, "duration": j.duration,
            "windows": j.windows, "skills": j.skills, "value": j.value, "pinned": j.pinned,
        })).collect::<Vec<_>>(),
    });
    let file = std::fs::File::create(path).expect("the problem's file");
    serde_json::to_writer(std::io::BufWriter::new(file), &value).expect("written");
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let write = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1).cloned());
    let numbers: Vec<f64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let n = |i: usize, default: f64| numbers.get(i).copied().unwrap_or(default);
    let size = city::Size {
        engineers: n(0, 50.0) as usize,
        orders: n(1, 1000.0) as usize,
        days: n(2, 5.0) as usize,
    };
    let seconds = n(3, 60.0);
    let settings = RoutingSettings {
        seconds,
        threads: 0,
        generations: None,
        travel: Default::default(),
        tiles: None,
    };
    let limits = settings.limits(None);
    let city = city::generate(size, 2026);
    let input = &city.input;

    let started = std::time::Instant::now();
    let points = planner::places(input);
    let matrix = straight_line(&points, 1.3, 30.0);
    let measured = started.elapsed().as_secs_f64();
    if let Some(path) = &write {
        // A run of its own, so that the copy written does not count in the memory.
        let framed = planner::frame(input, matrix);
        write_problem(&framed.problem, city.feasible, path);
        return;
    }
    let started = std::time::Instant::now();
    let plan = planner::plan(input, matrix, limits).expect("planned");
    let wall = started.elapsed().as_secs_f64() + measured;

    let planned = plan
        .routes
        .iter()
        .flat_map(|r| &r.stops)
        .filter(|s| s.kind == StopKind::New)
        .count();
    let kept = plan
        .routes
        .iter()
        .flat_map(|r| &r.stops)
        .filter(|s| s.kind == StopKind::Kept)
        .count();
    let driving: i64 = plan.routes.iter().map(|r| r.travel_minutes).sum();
    let km: f64 = plan.routes.iter().map(|r| r.distance_km).sum();
    let mut reasons: Vec<&str> = plan.unassigned.iter().map(|u| u.reason.as_str()).collect();
    reasons.sort_unstable();
    reasons.dedup();
    let label = format!("{}x{}x{}", size.engineers, size.orders, size.days);
    println!(
        "{label} ({} shifts, {} places, {} booked), {seconds} s budget, {} threads\n",
        plan.routes.len(),
        points.len(),
        input.booked.len(),
        limits.threads
    );
    println!("| problem | planned in | orders planned / feasible | booked kept | left out (reasons) | driving | distance | peak memory |");
    println!("|---|---:|---:|---:|---|---:|---:|---:|");
    let row = format!(
        "| {label} | {wall:.1} s | {planned} / {} ({:.1} %) | {kept} / {} | {} ({}) | {:.0} h | {km:.0} km | {:.0} MiB |",
        city.feasible,
        100.0 * planned as f64 / city.feasible.max(1) as f64,
        input.booked.len(),
        plan.unassigned.len(),
        reasons.join(", "),
        driving as f64 / 60.0,
        peak_mib(),
    );
    println!("{row}");
    std::fs::create_dir_all("target/bench").expect("target/bench");
    let mut csv = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open("target/bench/city-orderly.csv")
        .expect("the CSV");
    writeln!(
        csv,
        "{label},{seconds},{wall:.2},{planned},{},{kept},{},{:.1},{km:.1},{:.0}",
        city.feasible,
        input.booked.len(),
        driving as f64 / 60.0,
        peak_mib()
    )
    .expect("a row");
}
