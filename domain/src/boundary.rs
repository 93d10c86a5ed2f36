//! Grid boundaries: GeoJSON Polygon or MultiPolygon in WGS 84 longitude and
//! latitude, validated on the way in; point-in-boundary tests with georust
//! `geo`.

use geo::{BoundingRect, Coord, Intersects, LineString, MultiPolygon, Point, Polygon};
use serde_json::Value;

/// A validated boundary: the geometry, and the GeoJSON it came from (stored as is).
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    shape: MultiPolygon<f64>,
    geojson: Value,
}

/// `[min_lng, min_lat, max_lng, max_lat]`, for an SQL prefilter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lng: f64,
    pub min_lat: f64,
    pub max_lng: f64,
    pub max_lat: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoundaryError {
    #[error("must be a GeoJSON object with `type` Polygon or MultiPolygon and `coordinates`")]
    NotGeometry,
    #[error("type `{0}` is not supported: use Polygon or MultiPolygon")]
    UnsupportedType(String),
    #[error(
        "coordinates{0}: must be an array of rings, each an array of [longitude, latitude] positions"
    )]
    Shape(String),
    #[error("coordinates{0}: a ring needs at least 4 positions")]
    TooFewPositions(String),
    #[error("coordinates{0}: a ring must be closed (its last position equal to its first)")]
    NotClosed(String),
    #[error("coordinates{0}: longitude must lie in -180..180")]
    Longitude(String),
    #[error("coordinates{0}: latitude must lie in -90..90")]
    Latitude(String),
}

/// `[2][0][5]`-style path to a coordinate, for error messages.
fn at(path: &[usize]) -> String {
    path.iter().map(|i| format!("[{i}]")).collect()
}

fn position(value: &Value, path: &[usize]) -> Result<Coord<f64>, BoundaryError> {
    let pos = value.as_array().filter(|p| (2..=3).contains(&p.len()));
    let (lng, lat) = match pos.map(|p| (p[0].as_f64(), p[1].as_f64())) {
        Some((Some(lng), Some(lat))) => (lng, lat),
        _ => return Err(BoundaryError::Shape(at(path))),
    };
    if !(-180.0..=180.0).contains(&lng) {
        return Err(BoundaryError::Longitude(at(path)));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(BoundaryError::Latitude(at(path)));
    }
    Ok(Coord { x: lng, y: lat })
}

fn ring(value: &Value, path: &[usize]) -> Result<LineString<f64>, BoundaryError> {
    let positions = value
        .as_array()
        .ok_or_else(|| BoundaryError::Shape(at(path)))?;
    if positions.len() < 4 {
        return Err(BoundaryError::TooFewPositions(at(path)));
    }
    let coords = positions
        .iter()
        .enumerate()
        .map(|(i, p)| position(p, &[path, &[i]].concat()))
        .collect::<Result<Vec<_>, _>>()?;
    if coords.first() != coords.last() {
        return Err(BoundaryError::NotClosed(at(path)));
    }
    Ok(LineString::new(coords))
}

fn polygon(value: &Value, path: &[usize]) -> Result<Polygon<f64>, BoundaryError> {
    let rings = value
        .as_array()
        .filter(|r| !r.is_empty())
        .ok_or_else(|| BoundaryError::Shape(at(path)))?;
    let mut rings = rings
        .iter()
        .enumerate()
        .map(|(i, r)| ring(r, &[path, &[i]].concat()))
        .collect::<Result<Vec<_>, _>>()?;
    let exterior = rings.remove(0);
    Ok(Polygon::new(exterior, rings))
}

impl Boundary {
    pub fn parse(geojson: &Value) -> Result<Boundary, BoundaryError> {
        let kind = geojson
            .get("type")
            .and_then(Value::as_str)
            .ok_or(BoundaryError::NotGeometry)?;
        let coordinates = geojson
            .get("coordinates")
            .ok_or(BoundaryError::NotGeometry)?;
        let shape = match kind {
            "Polygon" => MultiPolygon::new(vec![polygon(coordinates, &[])?]),
            "MultiPolygon" => {
                let polygons = coordinates
                    .as_array()
                    .filter(|p| !p.is_empty())
                    .ok_or_else(|| BoundaryError::Shape(String::new()))?;
                MultiPolygon::new(
                    polygons
                        .iter()
                        .enumerate()
                        .map(|(i, p)| polygon(p, &[i]))
                        .collect::<Result<_, _>>()?,
                )
            }
            other => return Err(BoundaryError::UnsupportedType(other.to_owned())),
        };
        Ok(Boundary {
            shape,
            geojson: serde_json::json!({ "type": kind, "coordinates": coordinates }),
        })
    }

    pub fn geojson(&self) -> &Value {
        &self.geojson
    }

    pub fn bounding_box(&self) -> Option<BoundingBox> {
        self.shape.bounding_rect().map(|r| BoundingBox {
            min_lng: r.min().x,
            min_lat: r.min().y,
            max_lng: r.max().x,
            max_lat: r.max().y,
        })
    }

    /// Every ring: each polygon's exterior, then its holes.
    pub fn rings(&self) -> impl Iterator<Item = &LineString<f64>> {
        self.shape
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    }

    /// True when the point lies inside the boundary or on its edge.
    pub fn contains(&self, lng: f64, lat: f64) -> bool {
        self.shape.intersects(&Point::new(lng, lat))
    }
}

/// The deepest of the grids whose boundary contains the point: candidates are
/// `(code, boundary)`; deeper grids have longer codes.
pub fn deepest_containing<'a, T>(
    candidates: &'a [(T, &'a str, Boundary)],
    lng: f64,
    lat: f64,
) -> Option<&'a T> {
    candidates
        .iter()
        .filter(|(_, _, b)| b.contains(lng, lat))
        .max_by_key(|(_, code, _)| code.len())
        .map(|(item, _, _)| item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square(x0: f64, y0: f64, size: f64) -> Value {
        json!({"type": "Polygon", "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]})
    }

    #[test]
    fn a_square_contains_its_inside_and_edge() {
        let b = Boundary::parse(&square(114.0, 33.0, 1.0)).unwrap();
        assert!(b.contains(114.5, 33.5));
        assert!(b.contains(114.0, 33.5), "edge counts");
        assert!(!b.contains(115.5, 33.5));
        assert_eq!(
            b.bounding_box(),
            Some(BoundingBox {
                min_lng: 114.0,
                min_lat: 33.0,
                max_lng: 115.0,
                max_lat: 34.0
            })
        );
    }

    #[test]
    fn holes_are_outside() {
        let with_hole = json!({"type": "Polygon", "coordinates": [
            [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
            [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]
        ]});
        let b = Boundary::parse(&with_hole).unwrap();
        assert!(b.contains(1.0, 1.0));
        assert!(!b.contains(5.0, 5.0));
    }

    #[test]
    fn multipolygons_contain_points_in_any_part() {
        let multi = json!({"type": "MultiPolygon", "coordinates": [
            square(0.0, 0.0, 1.0)["coordinates"], square(5.0, 5.0, 1.0)["coordinates"]
        ]});
        let b = Boundary::parse(&multi).unwrap();
        assert!(b.contains(5.5, 5.5) && b.contains(0.5, 0.5) && !b.contains(3.0, 3.0));
    }

    #[test]
    fn invalid_geometry_names_the_problem() {
        let open = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]]});
        assert_eq!(
            Boundary::parse(&open),
            Err(BoundaryError::NotClosed("[0]".into()))
        );
        let short =
            json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]]});
        assert_eq!(
            Boundary::parse(&short),
            Err(BoundaryError::TooFewPositions("[0]".into()))
        );
        let far = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [181.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]});
        assert_eq!(
            Boundary::parse(&far),
            Err(BoundaryError::Longitude("[0][1]".into()))
        );
        let lat = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 91.0], [1.0, 1.0], [0.0, 0.0]]]});
        assert_eq!(
            Boundary::parse(&lat),
            Err(BoundaryError::Latitude("[0][1]".into()))
        );
        assert_eq!(
            Boundary::parse(&json!({"type": "Point", "coordinates": [1.0, 2.0]})),
            Err(BoundaryError::UnsupportedType("Point".into()))
        );
        assert_eq!(
            Boundary::parse(&json!([1, 2])),
            Err(BoundaryError::NotGeometry)
        );
        let text = json!({"type": "Polygon", "coordinates": [[["a", 0.0], [1.0, 0.0], [1.0, 1.0], ["a", 0.0]]]});
        assert_eq!(
            Boundary::parse(&text),
            Err(BoundaryError::Shape("[0][0]".into()))
        );
    }

    #[test]
    fn the_deepest_containing_grid_wins() {
        let zone = Boundary::parse(&square(0.0, 0.0, 10.0)).unwrap();
        let enterprise = Boundary::parse(&square(1.0, 1.0, 4.0)).unwrap();
        let workshop = Boundary::parse(&square(2.0, 2.0, 1.0)).unwrap();
        let grids = [
            ("zone", "41", zone),
            ("workshop", "4100101", workshop),
            ("enterprise", "41001", enterprise),
        ];
        assert_eq!(deepest_containing(&grids, 2.5, 2.5), Some(&"workshop"));
        assert_eq!(deepest_containing(&grids, 4.5, 4.5), Some(&"enterprise"));
        assert_eq!(deepest_containing(&grids, 9.0, 9.0), Some(&"zone"));
        assert_eq!(deepest_containing(&grids, 20.0, 9.0), None);
    }
}
