//! Travel times between places: straight-line distance times a road factor at an
//! average speed (no network needed), or an OSRM table service for real roads.

mod osrm;

pub use osrm::Osrm;

use super::solver::Matrix;
use crate::core::geo::GeoPoint;

/// How travel between sites is estimated.
#[derive(Debug, Clone, PartialEq)]
pub enum TravelModel {
    /// Great-circle distance × `road_factor`, driven at `speed_kmh`.
    StraightLine { road_factor: f64, speed_kmh: f64 },
    /// OSRM's table service (`GET {base}/table/v1/driving/{lng,lat;…}`), asked in
    /// blocks, its answers kept per pair of places.
    Osrm(Osrm),
}

impl Default for TravelModel {
    fn default() -> Self {
        TravelModel::StraightLine {
            road_factor: 1.3,
            speed_kmh: 30.0,
        }
    }
}

/// A travel matrix could not be had (the OSRM service failed or answered nonsense).
#[derive(Debug, thiserror::Error)]
#[error("travel times: {0}")]
pub struct TravelError(pub String);

/// Seconds treated as "cannot get there" (an OSRM `null`): far beyond any shift.
const UNREACHABLE: i64 = 30 * 24 * 3600;

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Metres along the great circle between two points (haversine).
pub fn great_circle_m(a: GeoPoint, b: GeoPoint) -> f64 {
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dlat = la2 - la1;
    let dlng = (b.longitude - a.longitude).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Seconds of driving between two points under the straight-line model.
pub fn straight_seconds(a: GeoPoint, b: GeoPoint, road_factor: f64, speed_kmh: f64) -> i64 {
    (great_circle_m(a, b) * road_factor / (speed_kmh * 1000.0 / 3600.0)).round() as i64
}

/// Driving times between a set of points, measured once: on the fly for the
/// straight-line model (no quadratic table for a few pairs), or OSRM's table.
pub enum Times {
    Line {
        points: Vec<GeoPoint>,
        road_factor: f64,
        speed_kmh: f64,
    },
    Table(Matrix),
}

impl Times {
    /// The times between `points` under `model`; only OSRM goes to the network.
    pub async fn measure(model: &TravelModel, points: Vec<GeoPoint>) -> Result<Times, TravelError> {
        match model {
            TravelModel::StraightLine {
                road_factor,
                speed_kmh,
            } => Ok(Times::Line {
                points,
                road_factor: *road_factor,
                speed_kmh: *speed_kmh,
            }),
            TravelModel::Osrm(_) => Ok(Times::Table(matrix(model, &points).await?)),
        }
    }

    /// Seconds from point `a` to point `b`.
    pub fn seconds(&self, a: usize, b: usize) -> i64 {
        match self {
            Times::Line {
                points,
                road_factor,
                speed_kmh,
            } => straight_seconds(points[a], points[b], *road_factor, *speed_kmh),
            Times::Table(m) => m.between(a, b).0,
        }
    }
}

/// The straight-line matrix: no network, the same answer every time.
pub fn straight_line(points: &[GeoPoint], road_factor: f64, speed_kmh: f64) -> Matrix {
    let size = points.len();
    let mut durations = Vec::with_capacity(size * size);
    let mut distances = Vec::with_capacity(size * size);
    let metres_per_second = speed_kmh * 1000.0 / 3600.0;
    for a in points {
        for b in points {
            let road = great_circle_m(*a, *b) * road_factor;
            distances.push(road.round() as i64);
            durations.push((road / metres_per_second).round() as i64);
        }
    }
    Matrix {
        size,
        durations,
        distances,
    }
}

/// The matrix for `points` under `model`; only OSRM goes to the network.
pub async fn matrix(model: &TravelModel, points: &[GeoPoint]) -> Result<Matrix, TravelError> {
    match model {
        TravelModel::StraightLine {
            road_factor,
            speed_kmh,
        } => Ok(straight_line(points, *road_factor, *speed_kmh)),
        TravelModel::Osrm(service) => osrm::matrix(service, points).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(latitude: f64, longitude: f64) -> GeoPoint {
        GeoPoint {
            latitude,
            longitude,
        }
    }

    #[test]
    fn kyiv_to_lviv_is_about_470_km() {
        let km = great_circle_m(p(50.4501, 30.5234), p(49.8397, 24.0297)) / 1000.0;
        assert!((465.0..475.0).contains(&km), "{km}");
    }

    #[test]
    fn straight_line_applies_factor_and_speed() {
        // 0.01° of latitude is 1.112 km; ×1.5 road = 1.668 km; at 36 km/h = 10 m/s.
        let m = straight_line(&[p(50.0, 30.0), p(50.01, 30.0)], 1.5, 36.0);
        assert_eq!(m.between(0, 0), (0, 0));
        let (secs, metres) = m.between(0, 1);
        assert!((1665..=1670).contains(&metres), "{metres}");
        assert_eq!(secs, (metres as f64 / 10.0).round() as i64);
        assert_eq!(m.between(1, 0), m.between(0, 1));
    }
}
