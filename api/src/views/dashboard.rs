//! The dashboard's map as GeoJSON, and the big screen's content as the
//! page renders it.

use gridwork_domain::dashboard::{Figure, class};
use gridwork_domain::grid::GridKind;
use gridwork_persistence::grid::GridRow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::dashboard::Measure;
use crate::app::grids::stored_boundary;

/// GeoJSON's `type` of a collection.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

/// GeoJSON's `type` of a feature.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum FeatureType {
    Feature,
}

/// A grid's figure and class on the map.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridProperties {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 40, pattern = "^[0-9]{1,40}$")]
    pub code: String,
    #[schema(max_length = 100)]
    pub name: String,
    pub kind: GridKind,
    pub figure: Figure,
    /// The figure: a count of cases, or a rate in 0..=1; absent when there
    /// is nothing to measure.
    pub value: Option<f64>,
    pub numerator: u64,
    /// For rates.
    pub denominator: Option<u64>,
    /// The legend's class, 0 (worst) to 4 (best).
    #[schema(minimum = 0, maximum = 4)]
    pub class: Option<u8>,
}

/// One grid: its boundary (absent when it has none) and figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridFeature {
    #[serde(rename = "type")]
    pub kind: FeatureType,
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// A GeoJSON Polygon or MultiPolygon in WGS 84 longitude and latitude.
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<serde_json::Value>,
    pub properties: GridProperties,
}

/// The grids directly under a root as a GeoJSON FeatureCollection, each
/// with the chosen figure over its whole subtree.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridFeatureCollection {
    #[serde(rename = "type")]
    pub kind: FeatureCollectionType,
    #[schema(format = Uuid, max_length = 36)]
    pub root_id: String,
    pub figure: Figure,
    #[schema(max_items = 200)]
    pub features: Vec<GridFeature>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// The largest count among measures (what counts are classed against).
pub fn largest(measures: &[&Measure]) -> f64 {
    measures.iter().filter_map(|m| m.value).fold(0.0, f64::max)
}

impl GridFeature {
    pub fn new(row: &GridRow, figure: Figure, measure: &Measure, largest: f64) -> GridFeature {
        GridFeature {
            kind: FeatureType::Feature,
            id: row.id.to_string(),
            geometry: stored_boundary(row).map(|b| b.geojson().clone()),
            properties: GridProperties {
                id: row.id.to_string(),
                code: row.code.clone(),
                name: row.name.clone(),
                kind: row.kind,
                figure,
                value: measure.value,
                numerator: measure.numerator,
                denominator: measure.denominator,
                class: class(figure, measure.value, largest),
            },
        }
    }
}
