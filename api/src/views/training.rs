//! Training courses, sessions, records and coverage as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::training::{CourseKind, Coverage};
use gridwork_persistence::grid::GridRow;
use gridwork_persistence::time;
use gridwork_persistence::training::{CourseRow, SessionRow};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::training::Record;
use crate::views::cases::Ratio;

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub kind: CourseKind,
    #[schema(max_length = 100)]
    pub title: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[schema(minimum = 1, maximum = 500)]
    pub hours: Option<i32>,
    /// The score a record needs to pass; null: completing passes.
    #[schema(minimum = 0, maximum = 100)]
    pub pass_score: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl From<&CourseRow> for CourseView {
    fn from(row: &CourseRow) -> CourseView {
        CourseView {
            id: row.id.to_string(),
            kind: row.kind,
            title: row.title.clone(),
            description: row.description.clone(),
            hours: row.hours,
            pass_score: row.pass_score,
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoursePage {
    #[schema(max_items = 200)]
    pub items: Vec<CourseView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub course_id: String,
    pub starts_at: DateTime<Utc>,
    #[schema(max_length = 200)]
    pub place: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: Option<String>,
    #[schema(max_length = 100)]
    pub trainer: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&SessionRow> for SessionView {
    fn from(row: &SessionRow) -> SessionView {
        SessionView {
            id: row.id.to_string(),
            course_id: row.course_id.to_string(),
            starts_at: time::from_db(row.starts_at),
            place: row.place.clone(),
            grid_id: row.grid_id.as_ref().map(ToString::to_string),
            trainer: row.trainer.clone(),
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionPage {
    #[schema(max_items = 200)]
    pub items: Vec<SessionView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// That a person completed a course.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub person_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub course_id: String,
    pub course_kind: CourseKind,
    #[schema(max_length = 100)]
    pub course_title: String,
    #[schema(format = Uuid, max_length = 36)]
    pub session_id: Option<String>,
    pub completed_at: DateTime<Utc>,
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<i32>,
    /// The score reached the course's pass mark (or it has none).
    pub passed: bool,
    #[schema(format = Uuid, max_length = 36)]
    pub recorded_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&Record> for RecordView {
    fn from((row, title): &Record) -> RecordView {
        RecordView {
            id: row.id.to_string(),
            person_id: row.person_id.to_string(),
            course_id: row.course_id.to_string(),
            course_kind: row.course_kind,
            course_title: title.clone(),
            session_id: row.session_id.as_ref().map(ToString::to_string),
            completed_at: time::from_db(row.completed_at),
            score: row.score,
            passed: row.passed,
            recorded_by: row.recorded_by.as_ref().map(ToString::to_string),
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordPage {
    #[schema(max_items = 200)]
    pub items: Vec<RecordView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// A grid's training coverage: of its full-time and part-time workers,
/// those who passed a pre-job course, and those trained on the job or
/// online in the last 365 days.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridTraining {
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(max_length = 64)]
    pub code: String,
    #[schema(max_length = 100)]
    pub name: String,
    pub pre_job: Ratio,
    pub in_service: Ratio,
}

impl From<&(GridRow, Coverage)> for GridTraining {
    fn from((grid, c): &(GridRow, Coverage)) -> GridTraining {
        GridTraining {
            grid_id: grid.id.to_string(),
            code: grid.code.clone(),
            name: grid.name.clone(),
            pre_job: Ratio::from(c.pre_job),
            in_service: Ratio::from(c.in_service),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingCoveragePage {
    #[schema(max_items = 200)]
    pub items: Vec<GridTraining>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
