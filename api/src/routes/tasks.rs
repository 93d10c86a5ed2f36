//! "My tasks" (我的待办).

use actix_web::{HttpResponse, get, web};
use gridwork_domain::GridId;
use gridwork_domain::task::{Position, TaskKind};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::Scoped;
use crate::app::tasks::{self, Clock, TaskFilter};
use crate::http::ApiError;
use crate::http::paging::{PageQuery, time_and_id, time_and_id_at};
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::state::AppState;
use crate::views::tasks::{TaskPage, TaskView};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Only tasks of this kind.
    pub kind: Option<TaskKind>,
    /// Only tasks in this grid (policies, which belong to no grid, drop
    /// out).
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
}

/// Everything waiting on you, soonest due first: inspection occurrences due
/// or overdue (yours by name or by your role in the grid); hazards to
/// rectify (you are responsible, or the enterprise's principal) or to
/// verify (grid leaders, the office); cases to accept, assigned to you,
/// awaiting your department's report-in or resolution, to verify, or to
/// evaluate (you reported them: due a week after closing); disputes you
/// mediate with a follow-up within a week (a talk recorded for the dispute
/// settles it); policies addressed to you not yet acknowledged (due on
/// their effective date); enterprises of your grids not visited for the
/// configured number of days. Each with the operation that acts on it.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(TaskQuery, PageQuery),
    responses((status = 200, body = TaskPage), doc::List)
)]
#[get("/me/tasks")]
pub async fn my_tasks(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter: q, page }: Listing<TaskQuery>,
) -> Result<HttpResponse, ApiError> {
    let after = match page.after.as_deref() {
        Some(position) => {
            let (at, rest) = time_and_id_at(position)?;
            let (kind, id) = rest
                .split_once('|')
                .and_then(|(k, id)| Some((TaskKind::parse(k)?, id.to_owned())))
                .ok_or_else(crate::http::paging::unreadable)?;
            Some(Position {
                due_at: at.and_utc(),
                kind,
                id,
            })
        }
        None => None,
    };
    let filter = TaskFilter {
        kinds: q.kind.map(|k| [k].into()),
        grid_id: q.grid_id,
    };
    let clock = Clock {
        now: gridwork_persistence::time::now(),
        time_zone: state.time_zone,
        stale_after: state.stale_after,
    };
    let fetch = page.fetch;
    let items = state
        .run(move |conn| tasks::mine(conn, &scoped, &filter, after.as_ref(), fetch, clock))
        .await?;
    let (items, next_cursor) = page.finish(items, |t| {
        let p = t.position();
        time_and_id(
            gridwork_persistence::time::to_db(p.due_at),
            &format!("{}|{}", p.kind.code(), p.id),
        )
    });
    Ok(HttpResponse::Ok().json(TaskPage {
        items: items.into_iter().map(TaskView::from).collect(),
        next_cursor,
    }))
}
