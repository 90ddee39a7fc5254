//! Settings of the day planner: its time budget and travel estimates.

use super::{err, ConfigError, Sources};
use std::time::Duration;

use crate::routing::travel::{Osrm, TravelModel};
use crate::routing::{MapTiles, RoutingSettings};

/// `ORDERLY_PLAN_SECONDS` (5), `ORDERLY_PLAN_THREADS` (0: every core),
/// `ORDERLY_PLAN_GENERATIONS` (none), and the travel model: `ORDERLY_OSRM_URL` (asked
/// in blocks of `ORDERLY_OSRM_MAX_TABLE`, 100, the server's `--max-table-size`; up to
/// `ORDERLY_OSRM_CACHE_PAIRS`, a million, answers kept `ORDERLY_OSRM_CACHE_HOURS`, 168), else
/// straight lines × `ORDERLY_ROAD_FACTOR` (1.3) at `ORDERLY_TRAVEL_SPEED_KMH` (30);
/// `ORDERLY_MAP_TILES_URL` (none) and `ORDERLY_MAP_ATTRIBUTION` for the office's map.
pub(super) fn routing(src: &Sources) -> Result<RoutingSettings, ConfigError> {
    let seconds: f64 = src.parse("ORDERLY_PLAN_SECONDS", 5.0)?;
    if !(0.1..=600.0).contains(&seconds) {
        return Err(err("ORDERLY_PLAN_SECONDS", "must be 0.1 to 600"));
    }
    let threads: usize = src.parse("ORDERLY_PLAN_THREADS", 0)?;
    let generations = match src.get("ORDERLY_PLAN_GENERATIONS") {
        None => None,
        Some(v) => Some(
            v.trim()
                .parse::<usize>()
                .ok()
                .filter(|g| *g > 0)
                .ok_or_else(|| err("ORDERLY_PLAN_GENERATIONS", "must be a whole number above 0"))?,
        ),
    };
    let travel = match src.get("ORDERLY_OSRM_URL") {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            let max_table: usize = src.parse("ORDERLY_OSRM_MAX_TABLE", 100)?;
            if !(2..=10_000).contains(&max_table) {
                return Err(err("ORDERLY_OSRM_MAX_TABLE", "must be 2 to 10000"));
            }
            let pairs: usize = src.parse("ORDERLY_OSRM_CACHE_PAIRS", 1_000_000)?;
            if pairs > 50_000_000 {
                return Err(err("ORDERLY_OSRM_CACHE_PAIRS", "must be 0 to 50000000"));
            }
            let hours: u64 = src.parse("ORDERLY_OSRM_CACHE_HOURS", 168)?;
            if hours > 24 * 366 {
                return Err(err("ORDERLY_OSRM_CACHE_HOURS", "must be 0 to 8784"));
            }
            TravelModel::Osrm(Osrm::new(
                url,
                max_table,
                pairs,
                Duration::from_secs(hours * 3600),
            ))
        }
        Some(_) => return Err(err("ORDERLY_OSRM_URL", "must be an http(s) URL")),
        None => {
            let road_factor: f64 = src.parse("ORDERLY_ROAD_FACTOR", 1.3)?;
            if !(1.0..=3.0).contains(&road_factor) {
                return Err(err("ORDERLY_ROAD_FACTOR", "must be 1 to 3"));
            }
            let speed_kmh: f64 = src.parse("ORDERLY_TRAVEL_SPEED_KMH", 30.0)?;
            if !(5.0..=130.0).contains(&speed_kmh) {
                return Err(err("ORDERLY_TRAVEL_SPEED_KMH", "must be 5 to 130"));
            }
            TravelModel::StraightLine {
                road_factor,
                speed_kmh,
            }
        }
    };
    let tiles = match src.get("ORDERLY_MAP_TILES_URL") {
        None => None,
        Some(url) => {
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p));
            if !ok {
                return Err(err(
                    "ORDERLY_MAP_TILES_URL",
                    "must be an http(s) address with {z}, {x} and {y}",
                ));
            }
            Some(MapTiles {
                url,
                attribution: src
                    .get("ORDERLY_MAP_ATTRIBUTION")
                    .unwrap_or_else(|| "© OpenStreetMap contributors".into()),
            })
        }
    };
    Ok(RoutingSettings {
        seconds,
        threads,
        generations,
        travel,
        tiles,
    })
}
