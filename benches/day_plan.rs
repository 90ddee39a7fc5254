//! A realistic day planned as `POST /route-plans` plans it (without the HTTP and
//! database around it): 10 engineers and 120 orders around Kyiv, with skills,
//! customers' time windows and lunch breaks, on straight-line travel, within the
//! default 5 s budget and every core.
//!
//! `cargo bench --bench day_plan [-- SECONDS]`. The data are drawn from a fixed
//! seed: the same day every run. Three orders cannot be planned on purpose (two
//! need a skill nobody has, one has no coordinates); the other 117 can.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use rand::{rngs::StdRng, Rng, SeedableRng};

use orderly::core::geo::GeoPoint;
use orderly::core::route::{EngineerProfile, TimeWindow};
use orderly::core::work_order::Priority;
use orderly::routing::planner::{self, Engineer, Input, Order};
use orderly::routing::travel::straight_line;
use orderly::routing::RoutingSettings;

const CENTRE: (f64, f64) = (50.4501, 30.5234);

/// A point up to `km` from the centre of Kyiv.
fn around(rng: &mut StdRng, km: f64) -> GeoPoint {
    let r = km * rng.gen::<f64>().sqrt();
    let a = rng.gen::<f64>() * std::f64::consts::TAU;
    GeoPoint {
        latitude: CENTRE.0 + r * a.sin() / 111.2,
        longitude: CENTRE.1 + r * a.cos() / (111.2 * CENTRE.0.to_radians().cos()),
    }
}

fn day_input() -> Input {
    let mut rng = StdRng::seed_from_u64(2026);
    let tz: Tz = "Europe/Kyiv".parse().unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let engineers = (0..10)
        .map(|i| {
            let home = around(&mut rng, 8.0);
            let mut skills = vec!["filters".to_owned()];
            if i < 3 {
                skills.push("gas".into());
            }
            Engineer {
                id: format!("engineer-{i}"),
                name: format!("Engineer {i}"),
                profile: EngineerProfile {
                    skills,
                    work_days: vec![1, 2, 3, 4, 5],
                    shift_start: hm(8, 0),
                    shift_end: hm(17, 0),
                    break_start: Some(hm(12, 0)),
                    break_minutes: 30,
                    start_latitude: home.latitude,
                    start_longitude: home.longitude,
                    start_label: None,
                    end_latitude: None,
                    end_longitude: None,
                    max_visits: Some(16),
                },
            }
        })
        .collect();
    let at = |h| {
        tz.from_local_datetime(&day.and_time(hm(h, 0)))
            .unwrap()
            .to_utc()
    };
    let orders = (0..120)
        .map(|i| {
            let skills = match i {
                0 | 1 => vec!["elevator".to_owned()],
                _ if i % 5 == 0 => vec!["gas".to_owned()],
                _ if i % 10 == 3 => vec![],
                _ => vec!["filters".to_owned()],
            };
            let windows = match rng.gen_range(0..10) {
                0..=1 => vec![TimeWindow {
                    start: at(8),
                    end: at(11),
                }],
                2 => vec![TimeWindow {
                    start: at(11),
                    end: at(14),
                }],
                3 => vec![TimeWindow {
                    start: at(14),
                    end: at(17),
                }],
                _ => vec![],
            };
            Order {
                id: format!("order-{i}"),
                version: 1,
                customer_name: format!("Customer {i}"),
                address: format!("Street {i}"),
                point: (i != 2).then(|| around(&mut rng, 6.0)),
                minutes: [20, 30, 40][rng.gen_range(0..3)],
                skills,
                priority: if i % 17 == 0 {
                    Priority::High
                } else {
                    Priority::Normal
                },
                windows,
                visit_id: None,
            }
        })
        .collect();
    Input {
        days: vec![day],
        tz,
        engineers,
        orders,
        booked: vec![],
    }
}

fn main() {
    let seconds: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5.0);
    let settings = RoutingSettings {
        seconds,
        threads: 0,
        generations: None,
        travel: Default::default(),
        tiles: None,
    };
    let limits = settings.limits(None);
    let input = day_input();
    let started = std::time::Instant::now();
    let matrix = straight_line(&planner::places(&input), 1.3, 30.0);
    let plan = planner::plan(&input, matrix, limits).expect("planned");
    let wall = started.elapsed().as_secs_f64();
    let assigned: usize = plan.routes.iter().map(|r| r.stops.len()).sum();
    let travel: i64 = plan.routes.iter().map(|r| r.travel_minutes).sum();
    let km: f64 = plan.routes.iter().map(|r| r.distance_km).sum();
    println!(
        "A day of 10 engineers and 120 orders, {seconds} s budget, {} threads\n",
        limits.threads
    );
    println!("| planned in | orders planned | feasible orders | left out (reasons) | driving | distance |");
    println!("|---:|---:|---:|---|---:|---:|");
    let mut reasons: Vec<String> = plan
        .unassigned
        .iter()
        .map(|u| u.reason.as_str().to_owned())
        .collect();
    reasons.sort();
    println!(
        "| {wall:.2} s | {assigned} | 117 | {} ({}) | {:.1} h | {km:.0} km |",
        plan.unassigned.len(),
        reasons.join(", "),
        travel as f64 / 60.0
    );
}
