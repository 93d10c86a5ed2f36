//! Scorecards (考核): the versioned schemes of each level, the months
//! computed (and closed), each month's scorecards in ranking order, and the
//! facts a month is computed from that no other module reads.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gridwork_domain::assessment::AssessmentLevel;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::hazard::HazardState;
use gridwork_domain::{GridId, UserId};

use crate::connection::DbConnection;
use crate::schema::{
    assessment_months, assessment_schemes, assignments, departments, grids, hazards, inspections,
    people, scorecards,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = assessment_schemes, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct SchemeRow {
    pub level: AssessmentLevel,
    pub version: i32,
    /// JSON object: indicator code → whole points.
    pub weights: String,
    pub commend_at: i32,
    pub review_below: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = assessment_months, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    pub computed_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_by: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = scorecards, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct ScorecardRow {
    pub month: String,
    pub level: AssessmentLevel,
    /// Its place in the ranking, from 1; the unranked come last.
    pub position: i32,
    /// Where the subject is assessed; "" for a department.
    pub grid_id: String,
    pub subject_id: String,
    pub scheme_version: i32,
    /// JSON object: indicator code → [numerator, denominator].
    pub measures: String,
    pub total: Option<i32>,
    pub rank: Option<i32>,
    pub flag: Option<String>,
}

/// The latest scheme of each level.
pub fn latest_schemes(conn: &mut DbConnection) -> QueryResult<Vec<SchemeRow>> {
    let mut latest = Vec::new();
    for level in AssessmentLevel::ALL {
        if let Some(row) = scheme(conn, level, None)? {
            latest.push(row);
        }
    }
    Ok(latest)
}

/// A level's scheme at `version`, or its latest.
pub fn scheme(
    conn: &mut DbConnection,
    level: AssessmentLevel,
    version: Option<i32>,
) -> QueryResult<Option<SchemeRow>> {
    let mut query = assessment_schemes::table
        .filter(assessment_schemes::level.eq(level))
        .select(SchemeRow::as_select())
        .into_boxed();
    if let Some(version) = version {
        query = query.filter(assessment_schemes::version.eq(version));
    }
    query
        .order(assessment_schemes::version.desc())
        .first(conn)
        .optional()
}

/// A new version; the key refuses a second writer of the same version.
pub fn insert_scheme(conn: &mut DbConnection, row: &SchemeRow) -> QueryResult<()> {
    diesel::insert_into(assessment_schemes::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn month(conn: &mut DbConnection, month: &str) -> QueryResult<Option<MonthRow>> {
    assessment_months::table
        .find(month)
        .select(MonthRow::as_select())
        .first(conn)
        .optional()
}

/// Takes the month's row for this transaction (creating it) and marks it
/// computed at `at`: writers of one month's scorecards queue here, so two
/// never interleave. None, and nothing changed, when the month is closed.
pub fn claim(
    conn: &mut DbConnection,
    month: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<MonthRow>> {
    let row = MonthRow {
        month: month.to_owned(),
        computed_at: at,
        closed_at: None,
        closed_by: None,
    };
    let insert = diesel::insert_into(assessment_months::table)
        .values(&row)
        .on_conflict_do_nothing();
    match conn {
        DbConnection::Postgresql(c) => insert.execute(c)?,
        DbConnection::Sqlite(c) => insert.execute(c)?,
    };
    // the update takes the row's lock
    let open = diesel::update(
        assessment_months::table
            .filter(assessment_months::month.eq(month))
            .filter(assessment_months::closed_at.is_null()),
    )
    .set(assessment_months::computed_at.eq(at))
    .execute(conn)?;
    Ok((open == 1).then_some(row))
}

/// Marks a month closed.
pub fn close(
    conn: &mut DbConnection,
    month: &str,
    at: NaiveDateTime,
    by: Option<&UserId>,
) -> QueryResult<()> {
    diesel::update(assessment_months::table.find(month))
        .set((
            assessment_months::closed_at.eq(at),
            assessment_months::closed_by.eq(by),
        ))
        .execute(conn)
        .map(drop)
}

/// Replaces a month's scorecards with `rows`; run in the transaction that
/// claimed the month.
pub fn replace(conn: &mut DbConnection, month: &str, rows: &[ScorecardRow]) -> QueryResult<()> {
    diesel::delete(scorecards::table.filter(scorecards::month.eq(month))).execute(conn)?;
    for chunk in rows.chunks(1000) {
        crate::bulk::scorecards(conn, chunk)?;
    }
    Ok(())
}

/// Who may be listed.
#[derive(Debug, Clone)]
pub enum Among<'a> {
    Everyone,
    /// Subjects assessed in these grids.
    Grids(&'a [GridId]),
    /// This subject alone; None: nobody.
    Subject(Option<&'a str>),
}

/// One keyset page of a month's scorecards of a level, in ranking order
/// (`scorecards_pkey`, or `scorecards_grid_idx` / `_subject_idx`).
pub fn page(
    conn: &mut DbConnection,
    month: &str,
    level: AssessmentLevel,
    among: Among,
    after: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<ScorecardRow>> {
    let mut query = scorecards::table
        .filter(scorecards::month.eq(month))
        .filter(scorecards::level.eq(level))
        .select(ScorecardRow::as_select())
        .into_boxed();
    match among {
        Among::Everyone => {}
        Among::Grids(ids) => {
            query = query.filter(scorecards::grid_id.eq_any(ids.iter().map(GridId::as_str)))
        }
        Among::Subject(Some(id)) => query = query.filter(scorecards::subject_id.eq(id)),
        Among::Subject(None) => return Ok(Vec::new()),
    }
    if let Some(after) = after {
        query = query.filter(scorecards::position.gt(after));
    }
    query
        .order(scorecards::position.asc())
        .limit(limit)
        .load(conn)
}

/// The scheme version a month's scorecards of a level were computed under,
/// if it has any (`scorecards_pkey`).
pub fn scheme_version_of(
    conn: &mut DbConnection,
    month: &str,
    level: AssessmentLevel,
) -> QueryResult<Option<i32>> {
    scorecards::table
        .filter(scorecards::month.eq(month))
        .filter(scorecards::level.eq(level))
        .select(scorecards::scheme_version)
        .first(conn)
        .optional()
}

/// The roles a worker scorecard is kept for.
pub const WORKER_ROLES: [GridRole; 4] = [
    GridRole::GridLeader,
    GridRole::FullTimeWorker,
    GridRole::PartTimeWorker,
    GridRole::MobileWorker,
];

/// A worker's post: an assignment in a worker role of a person with an
/// account.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub grid_id: GridId,
    pub grid_code: String,
    pub role: GridRole,
    pub user_id: UserId,
    /// Active at some time in the month asked about.
    pub serving: bool,
}

/// Every worker's posts, active or ended, each marked whether it was held
/// at some time in `[from, to)`.
pub fn workers(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Post>> {
    let rows: Vec<(
        GridId,
        String,
        GridRole,
        UserId,
        NaiveDateTime,
        Option<NaiveDateTime>,
    )> = assignments::table
        .inner_join(people::table)
        .inner_join(grids::table)
        .filter(assignments::role.eq_any(WORKER_ROLES))
        .filter(people::user_id.is_not_null())
        .select((
            assignments::grid_id,
            grids::code,
            assignments::role,
            people::user_id.assume_not_null(),
            assignments::started_at,
            assignments::ended_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(grid_id, grid_code, role, user_id, started, ended)| Post {
            grid_id,
            grid_code,
            role,
            user_id,
            serving: started < to && ended.is_none_or(|e| e >= from),
        })
        .collect())
}

/// `(grid, inspector, state, rectify_due_at, rectified_at)` of a hazard.
pub type HazardFound = (
    GridId,
    UserId,
    HazardState,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The hazards found in `[from, to)` (`hazards_created_idx`).
pub fn hazards_found(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<HazardFound>> {
    hazards::table
        .inner_join(inspections::table.on(inspections::id.eq(hazards::inspection_id)))
        .filter(hazards::created_at.ge(from))
        .filter(hazards::created_at.lt(to))
        .select((
            hazards::grid_id,
            inspections::inspector_id,
            hazards::state,
            hazards::rectify_due_at,
            hazards::rectified_at,
        ))
        .load(conn)
}

/// The codes of the active departments.
pub fn departments(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    departments::table
        .filter(departments::archived_at.is_null())
        .select(departments::code)
        .order(departments::code.asc())
        .load(conn)
}

/// `(id, zh name, en name)` of subjects of a level: a worker by the name of
/// the person holding the account, a grid by its name, a department by its.
pub fn names(
    conn: &mut DbConnection,
    level: AssessmentLevel,
    ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    match level {
        AssessmentLevel::Worker => Ok(people::table
            .filter(people::user_id.eq_any(ids))
            .select((people::user_id.assume_not_null(), people::name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .map(|(id, name)| (id, name.clone(), name))
            .collect()),
        AssessmentLevel::Grid => Ok(grids::table
            .filter(grids::id.eq_any(ids))
            .select((grids::id, grids::name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .map(|(id, name)| (id, name.clone(), name))
            .collect()),
        AssessmentLevel::Department => departments::table
            .filter(departments::code.eq_any(ids))
            .select((
                departments::code,
                departments::name_zh,
                departments::name_en,
            ))
            .load(conn),
    }
}

/// A subject's scorecard flag in a month, if they have a scorecard there
/// (`scorecards_subject_idx`): `Some(None)` is a scorecard without a flag.
pub fn flag_of(
    conn: &mut DbConnection,
    month: &str,
    level: AssessmentLevel,
    subject: &str,
) -> QueryResult<Option<Option<String>>> {
    scorecards::table
        .filter(scorecards::month.eq(month))
        .filter(scorecards::level.eq(level))
        .filter(scorecards::subject_id.eq(subject))
        .select(scorecards::flag)
        .first(conn)
        .optional()
}
