//! Inspection schedules and occurrences as the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use gridwork_domain::assignment::GridRole;
use gridwork_domain::schedule::OccurrenceState;
use gridwork_persistence::inspection_schedule::{OccurrenceRow, ScheduleRow};
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub template_id: String,
    /// The grid inspected, or the enterprise's grid.
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: Option<String>,
    /// The RRULE, upper-cased.
    #[schema(max_length = 100, example = "FREQ=WEEKLY;BYDAY=MO")]
    pub recurrence: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// Local (zone) time the window opens.
    #[schema(
        max_length = 5,
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        example = "09:00"
    )]
    pub opens_at: String,
    #[schema(minimum = 1, maximum = 744)]
    pub window_hours: i32,
    #[schema(minimum = 0, maximum = 744)]
    pub grace_hours: i32,
    #[schema(format = Uuid, max_length = 36)]
    pub assignee_user_id: Option<String>,
    pub assignee_role: Option<GridRole>,
    /// Set once the schedule ended.
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<&ScheduleRow> for ScheduleView {
    fn from(row: &ScheduleRow) -> ScheduleView {
        ScheduleView {
            id: row.id.to_string(),
            template_id: row.template_id.to_string(),
            grid_id: row.grid_id.to_string(),
            enterprise_id: row.enterprise_id.as_ref().map(ToString::to_string),
            recurrence: row.recurrence.clone(),
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            opens_at: row.opens_at.clone(),
            window_hours: row.window_hours,
            grace_hours: row.grace_hours,
            assignee_user_id: row.assignee_user_id.as_ref().map(ToString::to_string),
            assignee_role: row.assignee_role,
            archived_at: row.archived_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchedulePage {
    /// One page: at most `limit` (1–200) schedules, oldest first.
    #[schema(max_items = 200)]
    pub items: Vec<ScheduleView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// One time a schedule falls due.
#[derive(Debug, Serialize, ToSchema)]
pub struct OccurrenceView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub schedule_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub template_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub assignee_user_id: Option<String>,
    pub assignee_role: Option<GridRole>,
    /// The window: an inspection finished inside it is on time.
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Not done by then, it is missed rather than overdue.
    pub missed_at: DateTime<Utc>,
    pub state: OccurrenceState,
    /// The inspection that did it.
    #[schema(format = Uuid, max_length = 36)]
    pub inspection_id: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    /// Done inside its window; null until done.
    pub on_time: Option<bool>,
}

impl From<&OccurrenceRow> for OccurrenceView {
    fn from(row: &OccurrenceRow) -> OccurrenceView {
        OccurrenceView {
            id: row.id.clone(),
            schedule_id: row.schedule_id.to_string(),
            template_id: row.template_id.to_string(),
            grid_id: row.grid_id.to_string(),
            enterprise_id: row.enterprise_id.as_ref().map(ToString::to_string),
            assignee_user_id: row.assignee_user_id.as_ref().map(ToString::to_string),
            assignee_role: row.assignee_role,
            opens_at: time::from_db(row.opens_at),
            closes_at: time::from_db(row.closes_at),
            missed_at: time::from_db(row.missed_at),
            state: row.state,
            inspection_id: row.inspection_id.clone(),
            done_at: row.done_at.map(time::from_db),
            on_time: row.on_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OccurrencePage {
    /// One page: at most `limit` (1–200) occurrences, by window close.
    #[schema(max_items = 200)]
    pub items: Vec<OccurrenceView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
