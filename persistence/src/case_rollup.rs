//! Case KPIs kept per day of report (`case_rollups`; the migration says what
//! each row counts): which days wait to be recomputed, the days the sync
//! log's case changes fall on, a day's rows replaced at once, and the rows a
//! KPI read sums.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use gridwork_domain::GridId;

use crate::connection::DbConnection;
use crate::schema::{case_rollup_days, case_rollups};

/// By the child grid the cases lie under.
pub const GRID: &str = "grid";
/// By lead department.
pub const DEPARTMENT: &str = "department";
/// By assignee, for the cases of the row's own grid.
pub const WORKER: &str = "worker";
/// A month's `GRID` rows summed (on its first day), for the zone and its
/// children, whose days are many rows each.
pub const GRID_MONTH: &str = "grid/month";
/// A month's `DEPARTMENT` rows summed, likewise.
pub const DEPARTMENT_MONTH: &str = "department/month";
const DAY_FACETS: [&str; 3] = [GRID, DEPARTMENT, WORKER];
const MONTH_FACETS: [&str; 2] = [GRID_MONTH, DEPARTMENT_MONTH];

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_rollups, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct RollupRow {
    pub grid_id: String,
    pub facet: String,
    pub day: NaiveDate,
    pub key: String,
    /// `domain::case::kpi::Tally::to_stored`.
    pub tally: String,
}

/// Replaces the rows of `day` with `rows` and takes it off the waiting
/// days; run in a transaction.
pub fn replace_day(conn: &mut DbConnection, day: NaiveDate, rows: &[RollupRow]) -> QueryResult<()> {
    diesel::delete(
        case_rollups::table
            .filter(case_rollups::day.eq(day))
            .filter(case_rollups::facet.eq_any(DAY_FACETS)),
    )
    .execute(conn)?;
    crate::bulk::rollups(conn, rows)?;
    diesel::delete(case_rollup_days::table.find(day)).execute(conn)?;
    Ok(())
}

/// Replaces the month rows of the month starting on `month`; run in a
/// transaction.
pub fn replace_month(
    conn: &mut DbConnection,
    month: NaiveDate,
    rows: &[RollupRow],
) -> QueryResult<()> {
    diesel::delete(
        case_rollups::table
            .filter(case_rollups::day.eq(month))
            .filter(case_rollups::facet.eq_any(MONTH_FACETS)),
    )
    .execute(conn)?;
    crate::bulk::rollups(conn, rows).map(drop)
}

/// Marks `days` to be recomputed.
pub fn mark(conn: &mut DbConnection, days: &[NaiveDate]) -> QueryResult<()> {
    for day in days {
        let insert = diesel::insert_into(case_rollup_days::table)
            .values(case_rollup_days::day.eq(day))
            .on_conflict_do_nothing();
        match conn {
            DbConnection::Postgresql(c) => insert.execute(c)?,
            DbConnection::Sqlite(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Marks every day a case was reported on (a rebuild, after a load).
pub fn mark_all(conn: &mut DbConnection) -> QueryResult<usize> {
    let sql = |day: &str| {
        format!(
            "INSERT INTO case_rollup_days (day) SELECT DISTINCT {day} FROM cases WHERE true \
             ON CONFLICT DO NOTHING"
        )
    };
    match conn {
        DbConnection::Postgresql(c) => diesel::sql_query(sql("reported_at::date")).execute(c),
        DbConnection::Sqlite(c) => diesel::sql_query(sql("date(reported_at)")).execute(c),
    }
}

/// Up to `limit` days waiting to be recomputed, the latest first.
pub fn waiting(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<NaiveDate>> {
    case_rollup_days::table
        .select(case_rollup_days::day)
        .order(case_rollup_days::day.desc())
        .limit(limit)
        .load(conn)
}

#[derive(QueryableByName)]
struct Day {
    #[diesel(sql_type = Text)]
    day: String,
}

/// The days (UTC) on which the cases were reported that changed in the
/// sync log between `after` (exclusive) and `upto` (inclusive).
pub fn changed_days(conn: &mut DbConnection, after: i64, upto: i64) -> QueryResult<Vec<NaiveDate>> {
    let sql = |day: &str, first: &str, second: &str| {
        format!(
            "SELECT DISTINCT {day} AS day FROM sync_changes s JOIN cases c ON c.id = s.entity_id \
             WHERE s.entity = 'cases' AND s.seq > {first} AND s.seq <= {second}"
        )
    };
    let days: Vec<Day> = match conn {
        DbConnection::Postgresql(c) => {
            diesel::sql_query(sql("c.reported_at::date::text", "$1", "$2"))
                .bind::<BigInt, _>(after)
                .bind::<BigInt, _>(upto)
                .load(c)?
        }
        DbConnection::Sqlite(c) => diesel::sql_query(sql("date(c.reported_at)", "?", "?"))
            .bind::<BigInt, _>(after)
            .bind::<BigInt, _>(upto)
            .load(c)?,
    };
    Ok(days
        .iter()
        .filter_map(|d| NaiveDate::parse_from_str(&d.day, "%Y-%m-%d").ok())
        .collect())
}

/// `(grid, key, tally)` of the `facet` rows of `grids` for the days in
/// `[from, to)`.
pub fn rows_of(
    conn: &mut DbConnection,
    grids: &[GridId],
    facet: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, String, String)>> {
    case_rollups::table
        .filter(case_rollups::facet.eq(facet))
        .filter(case_rollups::grid_id.eq_any(grids.iter().map(GridId::as_str)))
        .filter(case_rollups::day.ge(from))
        .filter(case_rollups::day.lt(to))
        .select((
            case_rollups::grid_id,
            case_rollups::key,
            case_rollups::tally,
        ))
        .load(conn)
}

/// `(key, tally)` of the `facet` rows of `grids` (of every grid when None)
/// for the days in `[from, to)` (from the first when `from` is None).
pub fn read(
    conn: &mut DbConnection,
    grids: Option<&[GridId]>,
    facet: &str,
    from: Option<NaiveDate>,
    to: NaiveDate,
) -> QueryResult<Vec<(String, String)>> {
    let mut query = case_rollups::table
        .filter(case_rollups::facet.eq(facet))
        .filter(case_rollups::day.lt(to))
        .select((case_rollups::key, case_rollups::tally))
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(case_rollups::grid_id.eq_any(grids.iter().map(GridId::as_str)));
    }
    if let Some(from) = from {
        query = query.filter(case_rollups::day.ge(from));
    }
    query.load(conn)
}
