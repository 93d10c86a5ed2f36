//! The change log behind delta sync: rows appended by triggers (see the
//! `sync` migration), numbered in commit order, compacted by the sweeper.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use gridwork_domain::GridId;

use crate::connection::DbConnection;
use crate::schema::sync_changes;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = sync_changes, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct ChangeRow {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub grid_id: Option<String>,
    pub department_code: Option<String>,
    pub changed_at: NaiveDateTime,
}

/// Whose changes to read.
#[derive(Debug, Clone, Copy)]
pub enum Audience<'a> {
    /// Everything (zone-wide callers).
    Zone,
    /// Changes in these grids, of this department's cases, and those of
    /// the `open` entities that concern no grid or department (records
    /// shown by other rules, filtered by the reader).
    Within {
        grids: &'a [GridId],
        department: Option<&'a str>,
        open: &'a [&'a str],
    },
}

/// The changes after `seq` of these entities for `audience`, in commit
/// order, at most `limit`.
pub fn after(
    conn: &mut DbConnection,
    seq: i64,
    entities: &[&str],
    audience: Audience<'_>,
    limit: i64,
) -> QueryResult<Vec<ChangeRow>> {
    let mut query = sync_changes::table
        .filter(sync_changes::seq.gt(seq))
        .filter(sync_changes::entity.eq_any(entities.to_vec()))
        .into_boxed();
    if let Audience::Within {
        grids,
        department,
        open,
    } = audience
    {
        let unaddressed = sync_changes::grid_id
            .is_null()
            .and(sync_changes::department_code.is_null())
            .and(sync_changes::entity.eq_any(open.to_vec()));
        let ids: Vec<&str> = grids.iter().map(GridId::as_str).collect();
        query = match department {
            Some(code) => query.filter(
                sync_changes::grid_id
                    .eq_any(ids)
                    .or(sync_changes::department_code.eq(code))
                    .or(unaddressed),
            ),
            None => query.filter(sync_changes::grid_id.eq_any(ids).or(unaddressed)),
        };
    }
    query
        .order(sync_changes::seq.asc())
        .limit(limit)
        .select(ChangeRow::as_select())
        .load(conn)
}

/// The last change number committed (0 before any).
pub fn latest(conn: &mut DbConnection) -> QueryResult<i64> {
    Ok(sync_changes::table
        .select(diesel::dsl::max(sync_changes::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// Deletes the rows that the changes numbered in `(from, to]` supersede:
/// earlier rows for the same record and audience (a client reading past
/// either gets the record's current state once). Driven from the new rows,
/// so each pass costs what changed since the last. Returns how many went.
pub fn compact(conn: &mut DbConnection, from: i64, to: i64) -> QueryResult<usize> {
    // the same statement but for how each backend compares nullable texts
    let sql = |same: &str, first: &str, second: &str| {
        format!(
            "DELETE FROM sync_changes WHERE seq IN (SELECT c.seq FROM sync_changes n \
             JOIN sync_changes c ON c.entity_id = n.entity_id AND c.entity = n.entity \
             AND c.grid_id {same} n.grid_id AND c.department_code {same} n.department_code \
             AND c.seq < n.seq WHERE n.seq > {first} AND n.seq <= {second})"
        )
    };
    match conn {
        DbConnection::Postgresql(c) => diesel::sql_query(sql("IS NOT DISTINCT FROM", "$1", "$2"))
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(to)
            .execute(c),
        DbConnection::Sqlite(c) => diesel::sql_query(sql("IS", "?", "?"))
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(to)
            .execute(c),
    }
}

/// How many rows the log holds.
pub fn size(conn: &mut DbConnection) -> QueryResult<i64> {
    sync_changes::table.count().get_result(conn)
}
