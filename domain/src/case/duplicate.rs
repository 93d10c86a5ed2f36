//! Possible duplicates: the same problem reported twice. An open case of the
//! same category reported close by, not long before, is likely the same.

use chrono::{DateTime, Duration, Utc};
use geo::{Distance, Haversine, Point};

/// How near and how recent a case must be to be offered as a duplicate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub radius_m: f64,
    pub within: Duration,
}

/// A candidate: where and when it was reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sighting {
    pub lat: f64,
    pub lng: f64,
    pub at: DateTime<Utc>,
}

/// The metres between two sightings if `other` falls inside the window of
/// `new`, else None.
pub fn near(window: Window, new: Sighting, other: Sighting) -> Option<f64> {
    if (new.at - other.at).abs() > window.within {
        return None;
    }
    let metres = Haversine.distance(
        Point::new(new.lng, new.lat),
        Point::new(other.lng, other.lat),
    );
    (metres <= window.radius_m).then_some(metres)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_in_space_and_time() {
        let window = Window {
            radius_m: 200.0,
            within: Duration::hours(24),
        };
        let at = Utc::now();
        let workshop = Sighting {
            lat: 33.7900,
            lng: 114.5200,
            at,
        };
        // about 111 m north
        let next_door = Sighting {
            lat: 33.7910,
            ..workshop
        };
        let metres = near(window, workshop, next_door).unwrap();
        assert!((110.0..112.0).contains(&metres), "{metres}");
        // about 1.1 km away
        assert_eq!(
            near(
                window,
                workshop,
                Sighting {
                    lat: 33.8000,
                    ..workshop
                }
            ),
            None
        );
        // two days earlier
        assert_eq!(
            near(
                window,
                workshop,
                Sighting {
                    at: at - Duration::hours(48),
                    ..next_door
                }
            ),
            None
        );
    }
}
