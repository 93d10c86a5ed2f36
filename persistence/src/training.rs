//! Training courses, their sessions and the records of who completed them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::training::CourseKind;
use gridwork_domain::{CourseId, GridId, PersonId, TrainingRecordId, TrainingSessionId, UserId};

use crate::connection::DbConnection;
use crate::schema::{assignments, training_courses, training_records, training_sessions};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = training_courses, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct CourseRow {
    pub id: CourseId,
    pub kind: CourseKind,
    pub title: String,
    pub description: Option<String>,
    pub hours: Option<i32>,
    /// Records scoring below it do not pass; none: completing passes.
    pub pass_score: Option<i32>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = training_sessions, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct SessionRow {
    pub id: TrainingSessionId,
    pub course_id: CourseId,
    pub starts_at: NaiveDateTime,
    pub place: Option<String>,
    pub grid_id: Option<GridId>,
    pub trainer: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = training_records, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct RecordRow {
    pub id: TrainingRecordId,
    pub person_id: PersonId,
    pub course_id: CourseId,
    /// The course's kind, kept for the gate's index.
    pub course_kind: CourseKind,
    pub session_id: Option<TrainingSessionId>,
    pub completed_at: NaiveDateTime,
    pub score: Option<i32>,
    pub passed: bool,
    pub recorded_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub fn insert_course(conn: &mut DbConnection, row: &CourseRow) -> QueryResult<()> {
    diesel::insert_into(training_courses::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find_course(conn: &mut DbConnection, id: &CourseId) -> QueryResult<Option<CourseRow>> {
    training_courses::table
        .find(id)
        .select(CourseRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of courses in id (creation) order.
pub fn courses(
    conn: &mut DbConnection,
    kind: Option<CourseKind>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<CourseRow>> {
    let mut query = training_courses::table
        .filter(training_courses::archived_at.is_null())
        .select(CourseRow::as_select())
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(training_courses::kind.eq(kind));
    }
    if let Some(after) = after {
        query = query.filter(training_courses::id.gt(after.to_owned()));
    }
    query
        .order(training_courses::id.asc())
        .limit(limit)
        .load(conn)
}

pub fn insert_session(conn: &mut DbConnection, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(training_sessions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find_session(
    conn: &mut DbConnection,
    id: &TrainingSessionId,
) -> QueryResult<Option<SessionRow>> {
    training_sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of a course's sessions (`training_sessions_course_idx`).
pub fn sessions(
    conn: &mut DbConnection,
    course: &CourseId,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<SessionRow>> {
    let mut query = training_sessions::table
        .filter(training_sessions::course_id.eq(course))
        .select(SessionRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(training_sessions::id.gt(after.to_owned()));
    }
    query
        .order(training_sessions::id.asc())
        .limit(limit)
        .load(conn)
}

pub fn insert_record(conn: &mut DbConnection, row: &RecordRow) -> QueryResult<()> {
    diesel::insert_into(training_records::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// One keyset page of a person's records, newest first
/// (`training_records_person_idx`).
pub fn records_of(
    conn: &mut DbConnection,
    person: &PersonId,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(RecordRow, String)>> {
    let mut query = training_records::table
        .inner_join(training_courses::table)
        .filter(training_records::person_id.eq(person))
        .select((RecordRow::as_select(), training_courses::title))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(training_records::id.lt(before.to_owned()));
    }
    query
        .order(training_records::id.desc())
        .limit(limit)
        .load(conn)
}

/// Whether the person passed a pre-job course (`training_records_passed_idx`).
pub fn pre_job_passed(conn: &mut DbConnection, person: &PersonId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        training_records::table
            .filter(training_records::person_id.eq(person))
            .filter(training_records::course_kind.eq(CourseKind::PreJob))
            .filter(training_records::passed.eq(true)),
    ))
    .get_result(conn)
}

/// Whether the person ever held one of `roles` (active or ended).
pub fn served_as(
    conn: &mut DbConnection,
    person: &PersonId,
    roles: &[GridRole],
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        assignments::table
            .filter(assignments::person_id.eq(person))
            .filter(assignments::role.eq_any(roles.to_vec())),
    ))
    .get_result(conn)
}

/// `(grid, person)` of the active assignments in `roles` of these grids.
pub fn serving(
    conn: &mut DbConnection,
    grids: &[GridId],
    roles: &[GridRole],
) -> QueryResult<Vec<(GridId, PersonId)>> {
    assignments::table
        .filter(assignments::grid_id.eq_any(grids.to_vec()))
        .filter(assignments::role.eq_any(roles.to_vec()))
        .filter(assignments::ended_at.is_null())
        .select((assignments::grid_id, assignments::person_id))
        .load(conn)
}

/// Of `people`, those with a passed record of one of `kinds` completed at
/// or after `since` (`training_records_passed_idx`).
pub fn trained_among(
    conn: &mut DbConnection,
    people: &[PersonId],
    kinds: &[CourseKind],
    since: Option<NaiveDateTime>,
) -> QueryResult<Vec<PersonId>> {
    let mut query = training_records::table
        .filter(training_records::person_id.eq_any(people.to_vec()))
        .filter(training_records::course_kind.eq_any(kinds.to_vec()))
        .filter(training_records::passed.eq(true))
        .select(training_records::person_id)
        .distinct()
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(training_records::completed_at.ge(since));
    }
    query.load(conn)
}
