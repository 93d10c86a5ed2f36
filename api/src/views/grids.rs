//! Grids as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::grid::GridKind;
use gridwork_persistence::grid::GridRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlacardState {
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// Digits: the parent's code plus this grid's sequence number.
    #[schema(
        max_length = 40,
        pattern = "^[0-9]{1,40}$",
        example = "411622000000001"
    )]
    pub code: String,
    #[schema(max_length = 100, example = "周口耕德电子网格")]
    pub name: String,
    pub kind: GridKind,
    #[schema(format = Uuid, max_length = 36)]
    pub parent_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// GeoJSON Polygon or MultiPolygon (longitude, latitude).
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
    pub placard: PlacardState,
    /// Set when archived; archived grids stay as tombstones.
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<&GridRow> for GridView {
    fn from(row: &GridRow) -> GridView {
        GridView {
            id: row.id.to_string(),
            code: row.code.clone(),
            name: row.name.clone(),
            kind: row.kind,
            parent_id: row.parent_id.as_ref().map(ToString::to_string),
            enterprise_id: row.enterprise_id.as_ref().map(ToString::to_string),
            description: row.description.clone(),
            boundary: row
                .boundary
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok()),
            placard: PlacardState {
                published: row.placard_published_at.is_some(),
                published_at: row.placard_published_at.map(time::from_db),
            },
            archived_at: row.archived_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridPage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<GridView>,
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
