//! Realistic city problems for the planner's benchmarks: a company's engineers and
//! waiting orders around Kyiv, drawn from a seed so that every run plans the same
//! week.
//!
//! Sites cluster in Kyiv's ten districts and four satellite towns, weighted roughly
//! by population, on both banks of the Dnipro. Engineers live across the city; four
//! in ten start their day at one of three depots and drive home at its end. Skills
//! are filters (everyone), boilers, gas and lifts; four orders in ten have a window
//! (morning, afternoon or a two-hour slot on one day); lunch is half an hour from
//! noon; two shifts in five already hold a booked visit the plan must keep. One
//! order in a hundred cannot be planned on purpose: no coordinates, or a skill
//! nobody has.

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use rand::{rngs::StdRng, Rng, SeedableRng};

use orderly::core::geo::GeoPoint;
use orderly::core::route::{local, EngineerProfile, TimeWindow};
use orderly::core::work_order::Priority;
use orderly::routing::planner::{Booked, Engineer, Input, Order};

/// How big a city problem is.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub engineers: usize,
    pub orders: usize,
    /// Calendar days from Monday 7 December 2026.
    pub days: usize,
}

/// A generated problem and how many of its orders can be planned at all.
pub struct City {
    pub input: Input,
    pub feasible: usize,
}

/// Districts and towns: centre, spread (km) and weight.
const AREAS: [((f64, f64), f64, f64); 14] = [
    ((50.4600, 30.4900), 1.8, 0.09), // Shevchenkivskyi
    ((50.4270, 30.5500), 1.5, 0.06), // Pecherskyi
    ((50.4750, 30.4900), 1.5, 0.08), // Podilskyi
    ((50.5100, 30.4980), 2.0, 0.10), // Obolonskyi
    ((50.4580, 30.3700), 2.2, 0.10), // Sviatoshynskyi
    ((50.4250, 30.4600), 2.0, 0.09), // Solomianskyi
    ((50.3800, 30.5000), 2.5, 0.08), // Holosiivskyi
    ((50.4100, 30.6400), 2.0, 0.10), // Darnytskyi (left bank)
    ((50.4600, 30.6200), 2.0, 0.10), // Dniprovskyi (left bank)
    ((50.5150, 30.6100), 2.0, 0.10), // Desnianskyi (left bank)
    ((50.5110, 30.7900), 1.5, 0.03), // Brovary
    ((50.5218, 30.2506), 1.5, 0.03), // Irpin
    ((50.3520, 30.9550), 1.2, 0.02), // Boryspil
    ((50.3890, 30.3700), 1.0, 0.02), // Vyshneve
];

const DEPOTS: [(&str, (f64, f64)); 3] = [
    ("Depot Podil", (50.4740, 30.5080)),
    ("Depot Darnytsia", (50.4400, 30.6300)),
    ("Depot Sviatoshyn", (50.4560, 30.3550)),
];

/// Monday: the week planned.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date")
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a time")
}

/// A site in a district, drawn by the districts' weights, spread normally.
fn site(rng: &mut StdRng) -> GeoPoint {
    let mut pick = rng.gen::<f64>() * AREAS.iter().map(|a| a.2).sum::<f64>();
    let ((lat, lng), km, _) = *AREAS
        .iter()
        .find(|a| {
            pick -= a.2;
            pick <= 0.0
        })
        .unwrap_or(&AREAS[0]);
    // Box–Muller: two normal draws for north and east.
    let (u, v) = (rng.gen::<f64>().max(1e-12), rng.gen::<f64>());
    let r = km * (-2.0 * u.ln()).sqrt();
    let (north, east) = (
        r * (std::f64::consts::TAU * v).sin(),
        r * (std::f64::consts::TAU * v).cos(),
    );
    GeoPoint {
        latitude: lat + north / 111.2,
        longitude: lng + east / (111.2 * lat.to_radians().cos()),
    }
}

fn engineer(rng: &mut StdRng, i: usize) -> Engineer {
    let home = site(rng);
    let mut skills = vec!["filters".to_owned()];
    for (skill, share) in [("boilers", 0.3), ("gas", 0.2), ("lifts", 0.1)] {
        if rng.gen::<f64>() < share {
            skills.push(skill.into());
        }
    }
    let depot = (rng.gen::<f64>() < 0.4).then(|| DEPOTS[rng.gen_range(0..DEPOTS.len())]);
    let (start, label) = match depot {
        Some((name, (lat, lng))) => (
            GeoPoint {
                latitude: lat,
                longitude: lng,
            },
            Some(name.to_owned()),
        ),
        None => (home, None),
    };
    let early = rng.gen::<f64>() < 0.8;
    Engineer {
        id: format!("engineer-{i}"),
        name: format!("Engineer {i}"),
        profile: EngineerProfile {
            skills,
            // Most work Monday to Friday, a fifth Tuesday to Saturday.
            work_days: if rng.gen::<f64>() < 0.8 {
                vec![1, 2, 3, 4, 5]
            } else {
                vec![2, 3, 4, 5, 6]
            },
            shift_start: if early { hm(8, 0) } else { hm(9, 0) },
            shift_end: if early { hm(17, 0) } else { hm(18, 0) },
            break_start: Some(hm(12, 0)),
            break_minutes: 30,
            start_latitude: start.latitude,
            start_longitude: start.longitude,
            start_label: label,
            end_latitude: depot.map(|_| home.latitude),
            end_longitude: depot.map(|_| home.longitude),
            max_visits: Some(12),
        },
    }
}

/// An order's window, on one of the planned days: morning, afternoon or a
/// two-hour slot; six orders in ten have none.
fn window(rng: &mut StdRng, days: &[NaiveDate], tz: Tz) -> Vec<TimeWindow> {
    if rng.gen::<f64>() >= 0.4 {
        return vec![];
    }
    // Weekdays only: everyone's shifts, so that a window never rules an order out.
    let weekdays: Vec<NaiveDate> = days
        .iter()
        .copied()
        .filter(|d| d.weekday().num_days_from_monday() < 5)
        .collect();
    let day = weekdays[rng.gen_range(0..weekdays.len())];
    let (from, to) = match rng.gen_range(0..5) {
        0 | 1 => (hm(8, 0), hm(12, 0)),
        2 | 3 => (hm(13, 0), hm(17, 0)),
        _ => {
            let h = rng.gen_range(8..15);
            (hm(h, 0), hm(h + 2, 0))
        }
    };
    vec![TimeWindow {
        start: local(day, from, tz),
        end: local(day, to, tz),
    }]
}

fn order(rng: &mut StdRng, i: usize, days: &[NaiveDate], tz: Tz) -> Order {
    let roll = rng.gen::<f64>();
    let skills: Vec<String> = match roll {
        r if r < 0.55 => vec!["filters"],
        r if r < 0.75 => vec!["boilers"],
        r if r < 0.85 => vec!["gas"],
        r if r < 0.90 => vec!["boilers", "gas"],
        r if r < 0.995 => vec!["lifts"],
        _ => vec!["cranes"],
    }
    .into_iter()
    .map(str::to_owned)
    .collect();
    let located = rng.gen::<f64>() >= 0.005;
    Order {
        id: format!("order-{i}"),
        version: 1,
        customer_name: format!("Customer {i}"),
        address: format!("Street {i}"),
        point: located.then(|| site(rng)),
        minutes: [30, 30, 30, 30, 45, 45, 45, 60, 60, 90][rng.gen_range(0..10)],
        skills,
        priority: match rng.gen_range(0..100) {
            0 => Priority::Urgent,
            1..=5 => Priority::High,
            6..=15 => Priority::Low,
            _ => Priority::Normal,
        },
        windows: window(rng, days, tz),
        visit_id: None,
    }
}

/// The week (or fortnight) of `size`, drawn from `seed`.
pub fn generate(size: Size, seed: u64) -> City {
    let mut rng = StdRng::seed_from_u64(seed);
    let tz: Tz = "Europe/Kyiv".parse().expect("a zone");
    let days: Vec<NaiveDate> = (0..size.days as u64)
        .filter_map(|d| first_day().checked_add_days(Days::new(d)))
        .collect();
    let engineers: Vec<Engineer> = (0..size.engineers).map(|i| engineer(&mut rng, i)).collect();
    let orders: Vec<Order> = (0..size.orders)
        .map(|i| order(&mut rng, i, &days, tz))
        .collect();
    // An order can be planned when it has a place and someone has its skills.
    let feasible = orders
        .iter()
        .filter(|o| {
            o.point.is_some()
                && engineers
                    .iter()
                    .any(|e| o.skills.iter().all(|s| e.profile.skills.contains(s)))
        })
        .count();
    // Two shifts in five already hold a booked hour at ten or at two.
    let mut booked = vec![];
    for e in &engineers {
        for day in &days {
            if e.profile.shift_on(*day, tz).is_none() || rng.gen::<f64>() >= 0.4 {
                continue;
            }
            let start = local(*day, if rng.gen() { hm(10, 0) } else { hm(14, 0) }, tz);
            let n = booked.len();
            booked.push(Booked {
                visit_id: format!("visit-{n}"),
                order_id: format!("booked-order-{n}"),
                engineer_id: e.id.clone(),
                customer_name: format!("Booked customer {n}"),
                address: format!("Booked street {n}"),
                point: Some(site(&mut rng)),
                start,
                end: start + chrono::Duration::hours(1),
            });
        }
    }
    City {
        input: Input {
            days,
            tz,
            engineers,
            orders,
            booked,
        },
        feasible,
    }
}
