//! Visits to enterprises as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::visit::VisitPurpose;
use gridwork_persistence::time;
use gridwork_persistence::visit::Visited;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: String,
    /// The account that visited.
    #[schema(format = Uuid, max_length = 36)]
    pub visitor_id: String,
    /// Its display name (or username).
    #[schema(max_length = 100)]
    pub visitor_name: Option<String>,
    pub visited_at: DateTime<Utc>,
    pub purpose: VisitPurpose,
    #[schema(max_length = 4000)]
    pub findings: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Photo ids (`GET /api/v1/attachments/{id}`).
    #[schema(value_type = Vec<uuid::Uuid>, max_items = 10)]
    pub attachments: Vec<String>,
    /// When the server recorded it (later than `visited_at` for a visit
    /// recorded offline).
    pub created_at: DateTime<Utc>,
}

impl From<&Visited> for VisitView {
    fn from(v: &Visited) -> VisitView {
        let row = &v.row;
        VisitView {
            id: row.id.to_string(),
            enterprise_id: row.enterprise_id.to_string(),
            visitor_id: row.visitor_id.to_string(),
            visitor_name: v.visitor_name.clone(),
            visited_at: time::from_db(row.visited_at),
            purpose: row.purpose,
            findings: row.findings.clone(),
            lat: row.lat,
            lng: row.lng,
            attachments: super::attachments::ids(&row.attachments),
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitPage {
    /// One page: at most `limit` (1–200) visits, latest first.
    #[schema(max_items = 200)]
    pub items: Vec<VisitView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
