//! The zone dashboard's arithmetic (the office's big screen): which figure
//! colours the map, how a grid's value falls into one of five classes, and
//! how boundaries in longitude and latitude become SVG paths on screen.

use crate::boundary::{Boundary, BoundingBox};
use crate::coverage::CoverageRate;

crate::closed_set! {
    /// What colours each grid on the map.
    pub enum Figure {
        OpenCases = "open_cases", "在办案件", "Open cases";
        OverdueCases = "overdue_cases", "超期案件", "Overdue cases";
        Closure = "closure", "结案率", "Closure rate";
        OnTimeClosure = "on_time_closure", "按期结案率", "On-time closure rate";
        Satisfaction = "satisfaction", "满意率", "Satisfaction rate";
        EnterpriseDivision = "enterprise_division", "企业网格划分率", "Enterprise grid-division rate";
        PlacardPublication = "placard_publication", "网格员信息公示率", "Grid-worker information publication rate";
        BasicInfoArchiving = "basic_info_archiving", "基础信息建档率", "Basic-information archiving rate";
    }
}

/// The classes of a map's legend, worst (0) to best (`CLASSES - 1`).
pub const CLASSES: u8 = 5;

impl Figure {
    /// A count of cases (lower is better) rather than a rate (higher is).
    pub fn is_count(self) -> bool {
        matches!(self, Figure::OpenCases | Figure::OverdueCases)
    }

    /// The 100 % rate this figure is, if it is one.
    pub fn coverage(self) -> Option<CoverageRate> {
        match self {
            Figure::EnterpriseDivision => Some(CoverageRate::EnterpriseDivision),
            Figure::PlacardPublication => Some(CoverageRate::PlacardPublication),
            Figure::BasicInfoArchiving => Some(CoverageRate::BasicInfoArchiving),
            _ => None,
        }
    }
}

/// The class of a grid's value: rates by fixed bounds (below 60 %, 80 %,
/// 90 %, 100 %, and 100 %); counts relative to the largest on the map (none
/// is best; the largest is worst). None when there is nothing to measure.
pub fn class(figure: Figure, value: Option<f64>, largest: f64) -> Option<u8> {
    let value = value?;
    if figure.is_count() {
        if value <= 0.0 {
            return Some(CLASSES - 1);
        }
        let share = (value / largest.max(value)).clamp(0.0, 1.0);
        // (0, ¼] → 3, (¼, ½] → 2, (½, ¾] → 1, (¾, 1] → 0
        let worse = (share * 4.0).ceil() as u8;
        return Some(CLASSES - 1 - worse.min(CLASSES - 1));
    }
    Some(match value {
        v if v >= 1.0 => 4,
        v if v >= 0.9 => 3,
        v if v >= 0.8 => 2,
        v if v >= 0.6 => 1,
        _ => 0,
    })
}

/// Where the map's longitudes and latitudes land on a screen of `width` ×
/// `height`: an equirectangular projection, longitudes shrunk by the cosine
/// of the middle latitude so shapes keep their proportions, fitted and
/// centred with a margin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    min_lng: f64,
    max_lat: f64,
    scale: f64,
    shrink: f64,
    offset_x: f64,
    offset_y: f64,
}

impl Frame {
    pub fn fit(area: BoundingBox, width: f64, height: f64, margin: f64) -> Frame {
        let middle = (area.min_lat + area.max_lat) / 2.0;
        let shrink = middle.to_radians().cos().max(0.01);
        let span_x = ((area.max_lng - area.min_lng) * shrink).max(1e-9);
        let span_y = (area.max_lat - area.min_lat).max(1e-9);
        let (room_x, room_y) = (width - 2.0 * margin, height - 2.0 * margin);
        let scale = (room_x / span_x).min(room_y / span_y);
        Frame {
            min_lng: area.min_lng,
            max_lat: area.max_lat,
            scale,
            shrink,
            offset_x: margin + (room_x - span_x * scale) / 2.0,
            offset_y: margin + (room_y - span_y * scale) / 2.0,
        }
    }

    /// The screen point of a longitude and latitude.
    pub fn point(&self, lng: f64, lat: f64) -> (f64, f64) {
        (
            self.offset_x + (lng - self.min_lng) * self.shrink * self.scale,
            self.offset_y + (self.max_lat - lat) * self.scale,
        )
    }

    /// The SVG path data of a boundary: each ring a closed subpath, to one
    /// decimal (a tenth of a pixel).
    pub fn path(&self, boundary: &Boundary) -> String {
        let mut d = String::new();
        for ring in boundary.rings() {
            for (i, c) in ring.coords().enumerate() {
                let (x, y) = self.point(c.x, c.y);
                d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
        d
    }
}

/// The box around several boxes.
pub fn union(boxes: impl IntoIterator<Item = BoundingBox>) -> Option<BoundingBox> {
    boxes.into_iter().reduce(|a, b| BoundingBox {
        min_lng: a.min_lng.min(b.min_lng),
        min_lat: a.min_lat.min(b.min_lat),
        max_lng: a.max_lng.max(b.max_lng),
        max_lat: a.max_lat.max(b.max_lat),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_rates_are_figures_by_the_same_code() {
        for rate in CoverageRate::ALL {
            let figure = Figure::parse(rate.code()).unwrap();
            assert_eq!(figure.coverage(), Some(rate));
        }
        assert_eq!(Figure::Closure.coverage(), None);
    }

    #[test]
    fn rates_fall_into_fixed_classes() {
        let c = |v| class(Figure::Closure, Some(v), 0.0);
        assert_eq!(
            [c(1.0), c(0.95), c(0.85), c(0.6), c(0.59)],
            [Some(4), Some(3), Some(2), Some(1), Some(0)]
        );
        assert_eq!(class(Figure::Satisfaction, None, 0.0), None);
    }

    #[test]
    fn counts_are_classed_against_the_largest_on_the_map() {
        // the largest is 12: 0 is best, 3 (¼) next, 12 worst
        let c = |v| class(Figure::OverdueCases, Some(v), 12.0);
        assert_eq!(
            [c(0.0), c(3.0), c(5.0), c(9.0), c(12.0)],
            [Some(4), Some(3), Some(2), Some(1), Some(0)]
        );
    }

    #[test]
    fn a_frame_fits_and_centres_the_area() {
        // one degree square at the equator into 200 × 100 with margin 10:
        // the scale is 80 px per degree, centred across
        let area = BoundingBox {
            min_lng: 114.0,
            min_lat: 0.0,
            max_lng: 115.0,
            max_lat: 1.0,
        };
        let f = Frame::fit(area, 200.0, 100.0, 10.0);
        let (x, y) = f.point(114.0, 1.0);
        assert!(
            (x - 60.0).abs() < 0.01 && (y - 10.0).abs() < 0.01,
            "{x} {y}"
        );
        let (x, y) = f.point(115.0, 0.0);
        assert!(
            (x - 140.0).abs() < 0.1 && (y - 90.0).abs() < 0.01,
            "{x} {y}"
        );
    }

    #[test]
    fn a_boundary_becomes_a_closed_path() {
        let square = Boundary::parse(&serde_json::json!({
            "type": "Polygon",
            "coordinates": [[[114.0, 0.0], [115.0, 0.0], [115.0, 1.0], [114.0, 1.0], [114.0, 0.0]]]
        }))
        .unwrap();
        let f = Frame::fit(square.bounding_box().unwrap(), 200.0, 100.0, 10.0);
        assert_eq!(
            f.path(&square),
            "M60.0 90.0L140.0 90.0L140.0 10.0L60.0 10.0L60.0 90.0Z"
        );
    }
}
