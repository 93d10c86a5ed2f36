//! Enterprises as the API shows them, with what their basic record misses.

use chrono::{DateTime, Utc};
use gridwork_domain::enterprise::{HazardFlag, INDUSTRY_SECTIONS, RecordField};
use gridwork_domain::visit;
use gridwork_persistence::enterprise::EnterpriseRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::enterprises;

#[derive(Debug, Serialize, ToSchema)]
pub struct Industry {
    /// GB/T 4754-2017 section letter, A–T.
    #[schema(max_length = 1, pattern = "^[A-T]$", example = "C")]
    pub section: Option<String>,
    #[schema(max_length = 40, example = "制造业")]
    pub section_label_zh: Option<&'static str>,
    /// Free text, e.g. the class within the section.
    #[schema(max_length = 200, example = "电子元件制造")]
    pub text: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Location {
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BasicInfo {
    /// True when every field of the documented required set is filled.
    pub complete: bool,
    /// Required fields still empty: name, uscc, industry_section,
    /// employee_count, address, location, principal_person_id,
    /// production_characteristics.
    #[schema(max_items = 8)]
    pub missing: Vec<RecordField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200, example = "周口耕德电子有限公司")]
    pub name: String,
    /// Unified social credit code (统一社会信用代码).
    #[schema(max_length = 18, example = "91411622MA9XXXXX04")]
    pub uscc: Option<String>,
    pub industry: Industry,
    pub employee_count: Option<i32>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
    pub location: Option<Location>,
    #[schema(format = Uuid, max_length = 36)]
    pub principal_person_id: Option<String>,
    #[schema(max_length = 2000)]
    pub production_characteristics: Option<String>,
    /// Hazard flags.
    #[schema(max_items = 7)]
    pub flags: Vec<HazardFlag>,
    /// The grid it belongs to.
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: Option<String>,
    pub basic_info: BasicInfo,
    /// The last visit (走访), which verifies the record; null if never visited.
    pub last_verified_at: Option<DateTime<Utc>>,
    /// Never visited, or not for `GRIDWORK_STALE_AFTER_DAYS` (default 90).
    pub stale: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// When records go stale, as of now.
#[derive(Debug, Clone, Copy)]
pub struct Freshness {
    pub now: DateTime<Utc>,
    pub stale_after: chrono::Duration,
}

impl EnterpriseView {
    pub fn new(row: &EnterpriseRow, freshness: Freshness) -> EnterpriseView {
        let missing = enterprises::presence(row).missing();
        let section_label_zh = row
            .industry_section
            .as_deref()
            .and_then(|s| INDUSTRY_SECTIONS.iter().find(|(l, _, _)| s.starts_with(*l)))
            .map(|(_, zh, _)| *zh);
        EnterpriseView {
            id: row.id.to_string(),
            name: row.name.clone(),
            uscc: row.uscc.clone(),
            industry: Industry {
                section: row.industry_section.clone(),
                section_label_zh,
                text: row.industry_text.clone(),
            },
            employee_count: row.employee_count,
            address: row.address.clone(),
            location: row.lat.zip(row.lng).map(|(lat, lng)| Location { lat, lng }),
            principal_person_id: row.principal_person_id.as_ref().map(ToString::to_string),
            production_characteristics: row.production_characteristics.clone(),
            flags: row.flags.split(',').filter_map(HazardFlag::parse).collect(),
            grid_id: row.grid_id.as_ref().map(ToString::to_string),
            basic_info: BasicInfo {
                complete: missing.is_empty(),
                missing,
            },
            last_verified_at: row.last_verified_at.map(time::from_db),
            stale: visit::is_stale(
                row.last_verified_at.map(time::from_db),
                freshness.now,
                freshness.stale_after,
            ),
            archived_at: row.archived_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterprisePage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<EnterpriseView>,
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
