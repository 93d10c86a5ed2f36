//! Assignments as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::assignment::GridRole;
use gridwork_persistence::assignment::AssignmentRow;
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use super::people::PersonView;

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    pub role: GridRole,
    #[schema(max_length = 20, example = "专职网格员")]
    pub role_label_zh: &'static str,
    pub person: PersonView,
    pub started_at: DateTime<Utc>,
    /// Set when the assignment ended; it stays as history.
    pub ended_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl AssignmentView {
    /// `full_phone`: whether the caller may see mobile numbers in full.
    pub fn new(row: &AssignmentRow, person: &PersonRow, full_phone: bool) -> AssignmentView {
        AssignmentView {
            id: row.id.to_string(),
            grid_id: row.grid_id.to_string(),
            role: row.role,
            role_label_zh: row.role.label_zh(),
            person: PersonView::new(person, full_phone),
            started_at: time::from_db(row.started_at),
            ended_at: row.ended_at.map(time::from_db),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentPage {
    #[schema(max_items = 200)]
    pub items: Vec<AssignmentView>,
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
