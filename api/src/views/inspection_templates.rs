//! Inspection templates as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::inspection::Item;
use gridwork_persistence::inspection_template::TemplateRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::inspection_templates::Version;

/// A template in a list: its latest version's name and size.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateSummary {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 100, example = "消防设施器材周检")]
    pub name: String,
    /// The latest version.
    #[schema(minimum = 1)]
    pub version: i32,
    #[schema(minimum = 1, maximum = 100)]
    pub item_count: i32,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&TemplateRow> for TemplateSummary {
    fn from(row: &TemplateRow) -> TemplateSummary {
        TemplateSummary {
            id: row.id.to_string(),
            name: row.name.clone(),
            version: row.version,
            item_count: row.item_count,
            archived_at: row.archived_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
        }
    }
}

/// One version of a template. The ETag of the latest is its version.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// This version.
    #[schema(minimum = 1)]
    pub version: i32,
    /// The template's latest version (the same unless an earlier one was asked for).
    #[schema(minimum = 1)]
    pub latest_version: i32,
    #[schema(max_length = 100)]
    pub name: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<Item>,
    /// When this version was made, and by whom.
    pub created_at: DateTime<Utc>,
    #[schema(format = Uuid, max_length = 36)]
    pub created_by: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
}

impl From<&Version> for TemplateView {
    fn from(v: &Version) -> TemplateView {
        TemplateView {
            id: v.row.id.to_string(),
            version: v.version,
            latest_version: v.row.version,
            name: v.template.name.clone(),
            description: v.template.description.clone(),
            items: v.template.items.clone(),
            created_at: time::from_db(v.created_at),
            created_by: v.created_by.as_ref().map(ToString::to_string),
            archived_at: v.row.archived_at.map(time::from_db),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplatePage {
    /// One page: at most `limit` (1–200) templates, oldest first.
    #[schema(max_items = 200)]
    pub items: Vec<TemplateSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
