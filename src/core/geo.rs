//! Geographic position of a site, checked once at the edge.

use super::ValidationError;

/// A point on the earth, valid by construction (latitude ±90, longitude ±180).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

impl GeoPoint {
    /// Accepts both coordinates or neither; one without the other is an error.
    pub fn parse_pair(
        latitude: Option<f64>,
        longitude: Option<f64>,
    ) -> Result<Option<GeoPoint>, ValidationError> {
        match (latitude, longitude) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(ValidationError::new(
                "longitude",
                "must be given together with latitude",
            )),
            (None, Some(_)) => Err(ValidationError::new(
                "latitude",
                "must be given together with longitude",
            )),
            (Some(lat), Some(lng)) => {
                if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
                    return Err(ValidationError::new(
                        "latitude",
                        "must be between -90 and 90",
                    ));
                }
                if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
                    return Err(ValidationError::new(
                        "longitude",
                        "must be between -180 and 180",
                    ));
                }
                Ok(Some(GeoPoint {
                    latitude: lat,
                    longitude: lng,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_or_neither() {
        assert!(GeoPoint::parse_pair(None, None).unwrap().is_none());
        assert_eq!(
            GeoPoint::parse_pair(Some(50.0), None).unwrap_err().field,
            "longitude"
        );
    }

    #[test]
    fn out_of_range_names_the_field() {
        assert_eq!(
            GeoPoint::parse_pair(Some(91.0), Some(30.0))
                .unwrap_err()
                .field,
            "latitude"
        );
        assert_eq!(
            GeoPoint::parse_pair(Some(50.0), Some(-180.5))
                .unwrap_err()
                .field,
            "longitude"
        );
        assert!(GeoPoint::parse_pair(Some(50.45), Some(30.52)).is_ok());
    }
}
