//! Assignments of people to grids in a role. Ending one keeps it as history.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::assignment::GridRole;
use gridwork_domain::{AssignmentId, GridId, PersonId, UserId};

use crate::connection::DbConnection;
use crate::person::PersonRow;
use crate::schema::{assignments, grids, people};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = assignments, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct AssignmentRow {
    pub id: AssignmentId,
    pub grid_id: GridId,
    pub person_id: PersonId,
    pub role: GridRole,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl AssignmentRow {
    /// An active assignment starting now.
    pub fn new(
        grid_id: &GridId,
        person_id: &PersonId,
        role: GridRole,
        now: NaiveDateTime,
    ) -> AssignmentRow {
        AssignmentRow {
            id: AssignmentId::generate(),
            grid_id: grid_id.clone(),
            person_id: person_id.clone(),
            role,
            started_at: now,
            ended_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &AssignmentRow) -> QueryResult<()> {
    diesel::insert_into(assignments::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &AssignmentId) -> QueryResult<Option<AssignmentRow>> {
    assignments::table
        .find(id)
        .select(AssignmentRow::as_select())
        .first(conn)
        .optional()
}

/// A grid's assignments with their people, oldest first; ended ones too when asked.
pub fn for_grid(
    conn: &mut DbConnection,
    grid_id: &GridId,
    include_ended: bool,
) -> QueryResult<Vec<(AssignmentRow, PersonRow)>> {
    let mut query = assignments::table
        .inner_join(people::table)
        .filter(assignments::grid_id.eq(grid_id))
        .select((AssignmentRow::as_select(), PersonRow::as_select()))
        .into_boxed();
    if !include_ended {
        query = query.filter(assignments::ended_at.is_null());
    }
    query.order(assignments::id.asc()).load(conn)
}

/// One keyset page of a grid's assignments with their people, in id
/// (creation) order.
pub fn page_for_grid(
    conn: &mut DbConnection,
    grid_id: &GridId,
    include_ended: bool,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(AssignmentRow, PersonRow)>> {
    let mut query = assignments::table
        .inner_join(people::table)
        .filter(assignments::grid_id.eq(grid_id))
        .select((AssignmentRow::as_select(), PersonRow::as_select()))
        .into_boxed();
    if !include_ended {
        query = query.filter(assignments::ended_at.is_null());
    }
    if let Some(after) = after {
        query = query.filter(assignments::id.gt(after.to_owned()));
    }
    query.order(assignments::id.asc()).limit(limit).load(conn)
}

/// Codes of the active grids the user's person is actively assigned to.
pub fn assigned_grid_codes(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<Vec<String>> {
    assignments::table
        .inner_join(people::table)
        .inner_join(grids::table)
        .filter(people::user_id.eq(user_id))
        .filter(people::archived_at.is_null())
        .filter(assignments::ended_at.is_null())
        .filter(grids::archived_at.is_null())
        .select(grids::code)
        .load(conn)
}

/// A person's active assignments with their grids' codes and names, in
/// code order, at most `limit`.
pub fn active_of_person(
    conn: &mut DbConnection,
    person_id: &PersonId,
    limit: i64,
) -> QueryResult<Vec<(AssignmentRow, String, String)>> {
    assignments::table
        .inner_join(grids::table)
        .filter(assignments::person_id.eq(person_id))
        .filter(assignments::ended_at.is_null())
        .filter(grids::archived_at.is_null())
        .order((grids::code.asc(), assignments::id.asc()))
        .limit(limit)
        .select((AssignmentRow::as_select(), grids::code, grids::name))
        .load(conn)
}

/// Ends an assignment now, if still active and at the expected version;
/// returns it as stored afterwards.
pub fn end(
    conn: &mut DbConnection,
    row: &AssignmentRow,
    now: NaiveDateTime,
) -> QueryResult<Option<AssignmentRow>> {
    let ended = AssignmentRow {
        ended_at: Some(now),
        updated_at: now,
        version: row.version + 1,
        ..row.clone()
    };
    let n = diesel::update(
        assignments::table
            .filter(assignments::id.eq(&row.id))
            .filter(assignments::version.eq(row.version))
            .filter(assignments::ended_at.is_null()),
    )
    .set((
        assignments::ended_at.eq(ended.ended_at),
        assignments::updated_at.eq(ended.updated_at),
        assignments::version.eq(ended.version),
    ))
    .execute(conn)?;
    Ok((n == 1).then_some(ended))
}
