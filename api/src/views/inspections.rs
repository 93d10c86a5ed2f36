//! Inspections and hazards as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::hazard::{self, HazardState};
use gridwork_domain::inspection::HazardSeverity;
use gridwork_domain::inspection_kpi::{Completion, Hazards};
use gridwork_persistence::hazard::HazardRow;
use gridwork_persistence::inspection::InspectionRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::inspection_stats::InspectionStats;
use crate::app::inspections::StoredAnswer;
use crate::views::attachments::ids;
use crate::views::cases::Ratio;

/// A hazard (隐患) and its rectification.
#[derive(Debug, Serialize, ToSchema)]
pub struct HazardView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub inspection_id: String,
    /// The template item that failed.
    #[schema(max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub item_key: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: Option<String>,
    pub severity: HazardSeverity,
    pub state: HazardState,
    /// The item and the answer that failed it.
    #[schema(max_length = 500)]
    pub description: String,
    /// A week after it was found for a general hazard, thirty days for a major one.
    pub rectify_due_at: DateTime<Utc>,
    /// Past the deadline and not yet rectified.
    pub overdue: bool,
    /// The enterprise's principal when it was found.
    #[schema(format = Uuid, max_length = 36)]
    pub responsible_person_id: Option<String>,
    /// The case it became when overdue.
    #[schema(format = Uuid, max_length = 36)]
    pub case_id: Option<String>,
    pub rectified_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    /// Photos of the rectification.
    #[schema(value_type = Vec<uuid::Uuid>, max_items = 10)]
    pub evidence: Vec<String>,
    /// The latest step's note.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    pub reopened_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; the ETag is `"<version>"`.
    pub version: i32,
}

impl HazardView {
    pub fn new(row: &HazardRow, now: DateTime<Utc>) -> HazardView {
        let due = time::from_db(row.rectify_due_at);
        HazardView {
            id: row.id.to_string(),
            inspection_id: row.inspection_id.to_string(),
            item_key: row.item_key.clone(),
            grid_id: row.grid_id.to_string(),
            enterprise_id: row.enterprise_id.as_ref().map(ToString::to_string),
            severity: row.severity,
            state: row.state,
            description: row.description.clone(),
            rectify_due_at: due,
            overdue: hazard::is_overdue(row.state, due, now),
            responsible_person_id: row.responsible_person_id.as_ref().map(ToString::to_string),
            case_id: row.case_id.as_ref().map(ToString::to_string),
            rectified_at: row.rectified_at.map(time::from_db),
            verified_at: row.verified_at.map(time::from_db),
            evidence: ids(&row.evidence),
            note: row.note.clone(),
            reopened_count: row.reopened_count,
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HazardPage {
    /// One page: at most `limit` (1–200) hazards, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<HazardView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// An answer given, and whether it failed its item.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    #[schema(max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub item: String,
    #[schema(schema_with = gridwork_domain::inspection::answer_value)]
    pub value: serde_json::Value,
    pub failed: bool,
}

/// An inspection (排查记录) with its answers and the hazards it opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub template_id: String,
    /// The template version the answers were given against
    /// (`GET /api/v1/inspection-templates/{id}/versions/{version}`).
    #[schema(minimum = 1)]
    pub template_version: i32,
    #[schema(format = Uuid, max_length = 36)]
    pub occurrence_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub inspector_id: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    #[schema(max_items = 100)]
    pub answers: Vec<AnswerView>,
    #[schema(minimum = 0, maximum = 100)]
    pub failed_count: i32,
    /// Finished inside its occurrence's window; null when unscheduled.
    pub on_time: Option<bool>,
    /// The hazards its failed items opened.
    #[schema(max_items = 100)]
    pub hazards: Vec<HazardView>,
    /// When the server recorded it.
    pub created_at: DateTime<Utc>,
}

impl InspectionView {
    pub fn new(
        row: &InspectionRow,
        answers: Vec<StoredAnswer>,
        hazards: &[HazardRow],
        now: DateTime<Utc>,
    ) -> InspectionView {
        InspectionView {
            id: row.id.to_string(),
            template_id: row.template_id.to_string(),
            template_version: row.template_version,
            occurrence_id: row.occurrence_id.clone(),
            grid_id: row.grid_id.to_string(),
            enterprise_id: row.enterprise_id.as_ref().map(ToString::to_string),
            inspector_id: row.inspector_id.to_string(),
            started_at: time::from_db(row.started_at),
            finished_at: time::from_db(row.finished_at),
            lat: row.lat,
            lng: row.lng,
            answers: answers
                .into_iter()
                .map(|a| AnswerView {
                    item: a.item,
                    value: a.value,
                    failed: a.failed,
                })
                .collect(),
            failed_count: row.failed_count,
            on_time: row.on_time,
            hazards: hazards.iter().map(|h| HazardView::new(h, now)).collect(),
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionPage {
    /// One page: at most `limit` (1–200) inspections, latest finished
    /// first, without their hazards (`GET /api/v1/inspections/{id}`).
    #[schema(max_items = 200)]
    pub items: Vec<InspectionView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// How scheduled inspections were kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionView {
    /// Occurrences whose windows closed in the period.
    pub due: u64,
    pub done: u64,
    /// 完成率: done on time / due.
    pub rate: Ratio,
}

impl From<Completion> for CompletionView {
    fn from(c: Completion) -> CompletionView {
        CompletionView {
            due: c.due,
            done: c.done,
            rate: c.rate().into(),
        }
    }
}

/// Hazards found and how their rectification stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct HazardCountsView {
    /// Found in the period.
    pub found: u64,
    /// 按期整改率: of those found in the period, rectified by the deadline.
    pub rectified_on_time: Ratio,
    /// Awaiting rectification now (whenever found).
    pub open: u64,
    /// Awaiting rectification past the deadline now.
    pub overdue: u64,
}

impl From<Hazards> for HazardCountsView {
    fn from(h: Hazards) -> HazardCountsView {
        HazardCountsView {
            found: h.found,
            rectified_on_time: h.on_time_rate().into(),
            open: h.open,
            overdue: h.overdue,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridInspectionStats {
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    pub completion: CompletionView,
    pub hazards: HazardCountsView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerInspectionStats {
    /// The assignee, or for an occurrence assigned to a role, who inspected.
    #[schema(format = Uuid, max_length = 36)]
    pub user_id: String,
    pub completion: CompletionView,
}

/// Inspection KPIs (考核) over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionStatsView {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub completion: CompletionView,
    pub hazards: HazardCountsView,
    /// By grid: the 200 with most occurrences due.
    #[schema(max_items = 200)]
    pub by_grid: Vec<GridInspectionStats>,
    /// By worker: the 200 with most occurrences due.
    #[schema(max_items = 200)]
    pub by_worker: Vec<WorkerInspectionStats>,
}

/// The most rows of a breakdown.
const MAX_ROWS: usize = 200;

impl From<InspectionStats> for InspectionStatsView {
    fn from(s: InspectionStats) -> InspectionStatsView {
        let mut by_grid: Vec<_> = s.by_grid.into_iter().collect();
        by_grid.sort_by(|a, b| b.1.0.due.cmp(&a.1.0.due).then_with(|| a.0.cmp(&b.0)));
        by_grid.truncate(MAX_ROWS);
        let mut by_worker: Vec<_> = s.by_worker.into_iter().collect();
        by_worker.sort_by(|a, b| b.1.due.cmp(&a.1.due).then_with(|| a.0.cmp(&b.0)));
        by_worker.truncate(MAX_ROWS);
        InspectionStatsView {
            from: s.from,
            to: s.to,
            completion: s.completion.into(),
            hazards: s.hazards.into(),
            by_grid: by_grid
                .into_iter()
                .map(|(grid_id, (c, h))| GridInspectionStats {
                    grid_id,
                    completion: c.into(),
                    hazards: h.into(),
                })
                .collect(),
            by_worker: by_worker
                .into_iter()
                .map(|(user_id, c)| WorkerInspectionStats {
                    user_id,
                    completion: c.into(),
                })
                .collect(),
        }
    }
}
