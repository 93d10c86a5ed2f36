//! Training (培训): the office keeps courses (pre-job, on the job, online)
//! and schedules their sessions; the office and grid leaders record who
//! completed which, with a score. Records feed the pre-job gate of new grid
//! workers (`assignments::create`) and each grid's training coverage.

use chrono::{DateTime, Duration, Utc};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::training::{self as rules, CourseKind, Coverage, GATED_ROLES, Trainee};
use gridwork_domain::{
    CourseId, GridId, Permission, PersonId, TrainingRecordId, TrainingSessionId,
};
use gridwork_persistence::grid::{self, GridFilter, GridRow};
use gridwork_persistence::person::{self, PersonRow};
use gridwork_persistence::training::{self as store, CourseRow, RecordRow, SessionRow};
use gridwork_persistence::{DbConnection, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, ErrorCode, FieldCode, Origin, Scoped, people};

/// A course as created.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    pub kind: CourseKind,
    /// 1–100 characters, not blank.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "\\S",
        example = "网格员岗前培训"
    )]
    pub title: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Class hours, 1–500.
    #[validate(range(min = 1, max = 500))]
    #[schema(minimum = 1, maximum = 500)]
    pub hours: Option<i32>,
    /// The score (0–100) a record needs to pass; none: completing passes.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub pass_score: Option<i32>,
}

/// A session of a course.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = String, format = Uuid, min_length = 36, max_length = 36)]
    pub course_id: String,
    #[serde(deserialize_with = "crate::app::input::time_text::deserialize")]
    pub starts_at: DateTime<Utc>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "经开区党群服务中心三楼")]
    pub place: Option<String>,
    /// The grid it is held for (in the caller's scope); none: zone-wide.
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub grid_id: Option<String>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub trainer: Option<String>,
}

/// That a person completed a course.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = String, format = Uuid, min_length = 36, max_length = 36)]
    pub person_id: String,
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = String, format = Uuid, min_length = 36, max_length = 36)]
    pub course_id: String,
    /// The session attended, of the same course.
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub session_id: Option<String>,
    /// When it was completed: not in the future (5 minutes of clock
    /// difference allowed).
    #[serde(deserialize_with = "crate::app::input::time_text::deserialize")]
    pub completed_at: DateTime<Utc>,
    /// 0–100; needed to pass a course with a pass mark.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<i32>,
}

fn course_of(conn: &mut DbConnection, id: &str, field: &str) -> Result<CourseRow, AppError> {
    store::find_course(conn, &CourseId::from(id))?
        .filter(|c| c.archived_at.is_none())
        .ok_or_else(|| AppError::invalid(field, FieldCode::NotFound, "no such course"))
}

pub fn create_course(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: CourseInput,
) -> Result<CourseRow, AppError> {
    scoped.require(Permission::ManageTraining)?;
    input.validate()?;
    let at = time::to_db(time::now());
    let row = CourseRow {
        id: CourseId::generate(),
        kind: input.kind,
        title: super::input::required("title", &input.title)?,
        description: super::input::clean(input.description),
        hours: input.hours,
        pass_score: input.pass_score,
        archived_at: None,
        created_by: scoped.caller.user_id().cloned(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    super::transaction(conn, |conn| {
        store::insert_course(conn, &row)?;
        AuditEvent::success(AuditAction::CourseCreate)
            .by(&scoped.caller)
            .on(Entity::TrainingCourse, &row.id)
            .detail(serde_json::json!({ "kind": row.kind, "title": row.title }))
            .write(conn, origin)?;
        Ok(row)
    })
}

pub fn find_course(conn: &mut DbConnection, id: &CourseId) -> Result<CourseRow, AppError> {
    store::find_course(conn, id)?.ok_or(AppError::NotFound)
}

pub fn courses(
    conn: &mut DbConnection,
    kind: Option<CourseKind>,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<CourseRow>, AppError> {
    Ok(store::courses(conn, kind, after, fetch)?)
}

pub fn create_session(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: SessionInput,
) -> Result<SessionRow, AppError> {
    scoped.require(Permission::ManageTraining)?;
    input.validate()?;
    let course = course_of(conn, &input.course_id, "course_id")?;
    let grid_id = match &input.grid_id {
        Some(id) => Some(
            grid::find(conn, &GridId::from(id.as_str()))?
                .filter(|g| g.archived_at.is_none() && scoped.scope.covers(Some(&g.id)))
                .ok_or_else(|| AppError::invalid("grid_id", FieldCode::NotFound, "no such grid"))?
                .id,
        ),
        None => None,
    };
    let row = SessionRow {
        id: TrainingSessionId::generate(),
        course_id: course.id,
        starts_at: time::to_db(input.starts_at),
        place: super::input::clean(input.place),
        grid_id,
        trainer: super::input::clean(input.trainer),
        created_by: scoped.caller.user_id().cloned(),
        created_at: time::to_db(time::now()),
    };
    super::transaction(conn, |conn| {
        store::insert_session(conn, &row)?;
        AuditEvent::success(AuditAction::TrainingSessionCreate)
            .by(&scoped.caller)
            .on(Entity::TrainingSession, &row.id)
            .detail(serde_json::json!({ "course_id": row.course_id, "starts_at": time::from_db(row.starts_at) }))
            .write(conn, origin)?;
        Ok(row)
    })
}

pub fn sessions(
    conn: &mut DbConnection,
    course: &CourseId,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<SessionRow>, AppError> {
    find_course(conn, course)?;
    Ok(store::sessions(conn, course, after, fetch)?)
}

/// A record with its course's title.
pub type Record = (RecordRow, String);

/// Records that a person in the caller's scope completed a course.
pub fn record(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: RecordInput,
) -> Result<Record, AppError> {
    scoped.require(Permission::RecordTraining)?;
    input.validate()?;
    let now = time::now();
    if input.completed_at > now + Duration::minutes(5) {
        return Err(AppError::invalid(
            "completed_at",
            FieldCode::OutOfRange,
            "must not be in the future",
        ));
    }
    let person = people::named_in_body(conn, scoped, "person_id", &input.person_id)?;
    let course = course_of(conn, &input.course_id, "course_id")?;
    let session_id = match &input.session_id {
        Some(id) => Some(
            store::find_session(conn, &TrainingSessionId::from(id.as_str()))?
                .filter(|s| s.course_id == course.id)
                .ok_or_else(|| {
                    AppError::invalid(
                        "session_id",
                        FieldCode::NotFound,
                        "no such session of this course",
                    )
                })?
                .id,
        ),
        None => None,
    };
    let score = |s: Option<i32>| s.and_then(|s| u8::try_from(s).ok());
    let row = RecordRow {
        id: TrainingRecordId::generate(),
        person_id: person.id,
        course_id: course.id.clone(),
        course_kind: course.kind,
        session_id,
        completed_at: time::to_db(input.completed_at),
        score: input.score,
        passed: rules::passed(score(input.score), score(course.pass_score)),
        recorded_by: scoped.caller.user_id().cloned(),
        created_at: time::to_db(now),
    };
    super::transaction(conn, |conn| {
        store::insert_record(conn, &row).map_err(|e| {
            super::input::once(
                e,
                ErrorCode::TrainingRecorded,
                "This person's completion of this course at this time is recorded already.",
            )
        })?;
        AuditEvent::success(AuditAction::TrainingRecord)
            .by(&scoped.caller)
            .on(Entity::TrainingRecord, &row.id)
            .detail(serde_json::json!({
                "person_id": row.person_id, "course_id": row.course_id,
                "score": row.score, "passed": row.passed,
            }))
            .write(conn, origin)?;
        Ok((row, course.title))
    })
}

/// One keyset page of a person's records, newest first.
pub fn records_of(
    conn: &mut DbConnection,
    person: &PersonRow,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<Record>, AppError> {
    Ok(store::records_of(conn, &person.id, before, fetch)?)
}

/// The pre-job gate for assigning `person` as `role`: Ok, or 409
/// `pre_job_training_missing` unless `overridden`.
pub fn gate(
    conn: &mut DbConnection,
    person: &PersonId,
    role: gridwork_domain::assignment::GridRole,
    overridden: bool,
) -> Result<(), AppError> {
    if !GATED_ROLES.contains(&role) {
        return Ok(());
    }
    let trainee = Trainee {
        served_before: store::served_as(conn, person, &GATED_ROLES)?,
        pre_job_passed: store::pre_job_passed(conn, person)?,
    };
    rules::gate(role, trainee, overridden).map_err(|e| {
        AppError::conflict(
            ErrorCode::PreJobTrainingMissing,
            format!(
                "{e}: record a passed pre-job course for this person first, or (zone office) give `training_override` with the reason"
            ),
        )
    })
}

/// The caller's own records, newest first (none without a linked person).
pub fn my_records(
    conn: &mut DbConnection,
    scoped: &Scoped,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<Record>, AppError> {
    let Some(user) = scoped.caller.user_id() else {
        return Ok(Vec::new());
    };
    match person::find_by_user(conn, user)? {
        Some(me) => records_of(conn, &me, before, fetch),
        None => Ok(Vec::new()),
    }
}

/// One keyset page (by code) of the grids in the caller's reach under
/// `root` (404 outside it), each with its training coverage.
pub fn coverage(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: Option<&GridId>,
    now: DateTime<Utc>,
    after_code: Option<&str>,
    fetch: i64,
) -> Result<Vec<(GridRow, Coverage)>, AppError> {
    let within = match root {
        Some(root) => {
            let root = super::grids::find_visible(conn, scoped, root)?;
            Some(grid::ids_under(conn, &[root.code])?)
        }
        None => scoped.scope.grid_ids().map(<[GridId]>::to_vec),
    };
    let filter = GridFilter {
        within,
        ..GridFilter::default()
    };
    let grids = grid::page(conn, &filter, after_code, fetch)?;
    let ids: Vec<GridId> = grids.iter().map(|g| g.id.clone()).collect();
    let serving = store::serving(conn, &ids, &GATED_ROLES)?;
    let mut people: Vec<PersonId> = serving.iter().map(|(_, p)| p.clone()).collect();
    people.sort();
    people.dedup();
    let mut pre_job = std::collections::BTreeSet::new();
    let mut in_service = std::collections::BTreeSet::new();
    let year_ago = time::to_db(now - Duration::days(365));
    for chunk in people.chunks(500) {
        pre_job.extend(store::trained_among(
            conn,
            chunk,
            &[CourseKind::PreJob],
            None,
        )?);
        in_service.extend(store::trained_among(
            conn,
            chunk,
            &[CourseKind::OnTheJob, CourseKind::Online],
            Some(year_ago),
        )?);
    }
    Ok(grids
        .into_iter()
        .map(|g| {
            let mut c = Coverage::default();
            for (_, person) in serving.iter().filter(|(grid, _)| *grid == g.id) {
                c.add(pre_job.contains(person), in_service.contains(person));
            }
            (g, c)
        })
        .collect())
}
