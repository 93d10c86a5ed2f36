//! "My tasks" as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::case::deadline::DeadlineStatus;
use gridwork_domain::task::TaskKind;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::tasks::Task;
use crate::http::API_PREFIX;

/// The operation that acts on a task.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskAction {
    #[schema(max_length = 6, example = "POST")]
    pub method: &'static str,
    #[schema(
        max_length = 200,
        example = "/api/v1/cases/0195f0c4-0000-7000-8000-000000000000/accept"
    )]
    pub path: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub kind: TaskKind,
    /// The record's id: a case, hazard, inspection occurrence, dispute,
    /// policy or enterprise, as `kind` says.
    #[schema(max_length = 64)]
    pub id: String,
    #[schema(max_length = 100)]
    pub title: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: Option<String>,
    /// When it falls due; the list is sorted by it.
    pub due_at: DateTime<Utc>,
    pub deadline_status: DeadlineStatus,
    pub action: TaskAction,
    /// The record's own page, if it has one.
    #[schema(max_length = 200)]
    pub href: Option<String>,
}

impl From<Task> for TaskView {
    fn from(t: Task) -> TaskView {
        TaskView {
            kind: t.kind,
            id: t.id,
            title: t.title,
            grid_id: t.grid_id.map(|g| g.to_string()),
            due_at: t.due_at,
            deadline_status: t.status,
            action: TaskAction {
                method: t.action.0,
                path: format!("{API_PREFIX}{}", t.action.1),
            },
            href: t.href.map(|h| format!("{API_PREFIX}{h}")),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskPage {
    /// One page: at most `limit` (1–200) tasks, soonest due first.
    #[schema(max_items = 200)]
    pub items: Vec<TaskView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
