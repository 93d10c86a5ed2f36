//! Delta sync for offline apps (`GET /sync`).

use actix_web::{HttpResponse, get, web};
use gridwork_domain::Permission;
use gridwork_domain::sync::{SyncCursor, SyncType, SyncTypes};
use gridwork_persistence::time;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use validator::Validate;

use crate::app::sync as changes;
use crate::app::tasks::{self, Clock, TaskFilter};
use crate::app::{AppError, ErrorCode, FieldCode, Scoped};
use crate::http::ApiError;
use crate::http::paging::unreadable;
use crate::http::problems as doc;
use crate::http::query::Query;
use crate::state::AppState;
use crate::views::enterprises::Freshness;
use crate::views::sync::{Reader, SyncItem, SyncPage};
use crate::views::tasks::TaskView;

/// Log rows a page reads by default, and at most.
const DEFAULT_ROWS: u32 = 200;
/// Tasks a sync sends, at most.
const TASKS: i64 = 200;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// `next_cursor` of the previous page or sync, unchanged; leave it out
    /// for a full sync.
    #[validate(length(min = 1, max = 400))]
    #[param(
        min_length = 1,
        max_length = 400,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub since: Option<String>,
    /// The kinds of record to sync, comma-separated (all when left out):
    /// `cases`, `hazards`, `occurrences` (inspection occurrences),
    /// `disputes`, `policies`, `grids`, `enterprises`, `people`, `tasks`.
    /// A cursor continues only with the kinds it was issued for.
    #[validate(length(min = 1, max = 200), custom(function = "kinds"))]
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "^(cases|hazards|occurrences|disputes|policies|grids|enterprises|people|tasks)(,(cases|hazards|occurrences|disputes|policies|grids|enterprises|people|tasks))*$",
        example = "cases,hazards,tasks"
    )]
    pub types: Option<String>,
    /// Change-log rows read per page, 1–500 (default 200); a page holds at
    /// most that many items.
    #[validate(range(min = 1, max = 500))]
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

fn kinds(list: &str) -> Result<(), validator::ValidationError> {
    SyncTypes::parse(list)
        .map(drop)
        .map_err(|e| validator::ValidationError::new("pattern").with_message(e.to_string().into()))
}

/// What changed in your scope since your last sync (锚点增量同步), for apps
/// that work offline. Without `since`, everything in your scope (a full
/// sync); then, with `since` set to the last `next_cursor`, only the
/// records created or changed since — each as its `GET` shows it to you
/// now — and tombstones (`op: delete`) for records deleted, archived or
/// gone out of your scope (a case moved to another grid or off your
/// department). Changes are numbered in commit order, so a record
/// committed while you read is never skipped. Read pages at once while
/// `has_more`; keep the last `next_cursor` for the next sync. A cursor
/// stops working (410 `sync_cursor_expired`: sync again without `since`)
/// when what you may see changes (an assignment, a role, a department),
/// when `types` differs from the cursor's, or when it went unused longer
/// than `GRIDWORK_SYNC_MAX_AGE_DAYS` (30). With `tasks`, the last page
/// carries your task list whole when it changed.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(SyncQuery),
    responses(
        (status = 200, body = SyncPage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 410, response = doc::Gone),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/sync")]
pub async fn delta_sync(
    state: web::Data<AppState>,
    scoped: Scoped,
    Query(q): Query<SyncQuery>,
) -> Result<HttpResponse, ApiError> {
    let types = match q.types.as_deref() {
        Some(list) => {
            SyncTypes::parse(list).map_err(|e| AppError::invalid("types", FieldCode::Invalid, e))?
        }
        None => SyncTypes::all(),
    };
    let scope = changes::scope_fingerprint(&scoped);
    let now = time::now();
    let cursor = match q.since.as_deref() {
        None => None,
        Some(since) => {
            let cursor =
                SyncCursor::parse_position(&state.cursors.open(since)?).ok_or_else(unreadable)?;
            let oldest = (now - state.sync_max_age).timestamp();
            cursor
                .check(&scope, &types, oldest)
                .map_err(|why| AppError::Gone {
                    code: ErrorCode::SyncCursorExpired,
                    detail: format!(
                        "The cursor no longer works: {why}. Sync again without `since`."
                    ),
                })?;
            Some(cursor)
        }
    };
    let after = cursor.as_ref().map_or(0, |c| c.seq);
    let held = cursor.map(|c| c.tasks).unwrap_or_default();
    let rows = i64::from(q.limit.unwrap_or(DEFAULT_ROWS));
    let clock = Clock {
        now,
        time_zone: state.time_zone,
        stale_after: state.stale_after,
    };
    let wanted = types.clone();
    let (delta, task_list) = state
        .read(&scoped, move |conn, reading| {
            let delta = changes::delta(conn, reading, &wanted, after, rows)?;
            let task_list = if wanted.contains(SyncType::Tasks) && !delta.more {
                Some(tasks::mine(
                    conn,
                    reading,
                    &TaskFilter::default(),
                    None,
                    TASKS,
                    clock,
                )?)
            } else {
                None
            };
            Ok((delta, task_list))
        })
        .await?;
    let reader = Reader {
        scoped: &scoped,
        full_phones: scoped.caller.has(Permission::ManagePeople),
        freshness: Freshness {
            now,
            stale_after: state.stale_after,
        },
        now,
    };
    let items = delta
        .changes
        .iter()
        .map(|change| SyncItem::new(change, &reader))
        .collect::<Result<Vec<_>, _>>()?;
    // the task list goes when it differs from the one the app holds
    let (task_views, digest) = match task_list {
        Some(list) => {
            let views: Vec<TaskView> = list.into_iter().map(TaskView::from).collect();
            let bytes = serde_json::to_vec(&views)
                .map_err(|e| AppError::Internal(format!("tasks do not serialise: {e}")))?;
            let digest = crate::auth::hex(&Sha256::digest(&bytes)[..8]);
            if digest == held {
                (None, held)
            } else {
                (Some(views), digest)
            }
        }
        None => (None, held),
    };
    let next = SyncCursor {
        seq: delta.seq,
        scope,
        types,
        tasks: digest,
        issued_at: now.timestamp(),
    };
    Ok(HttpResponse::Ok().json(SyncPage {
        items,
        next_cursor: state.cursors.issue(&next.to_position()),
        has_more: delta.more,
        tasks: task_views,
    }))
}
