//! Grids: the tree of the zone.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::grid::{GridCode, GridKind};
use gridwork_domain::{EnterpriseId, GridId};

use crate::connection::DbConnection;
use crate::schema::{assignments, enterprises, grids, people};
use crate::text;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = grids, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct GridRow {
    pub id: GridId,
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    pub parent_id: Option<GridId>,
    pub enterprise_id: Option<EnterpriseId>,
    pub description: Option<String>,
    /// GeoJSON Polygon or MultiPolygon.
    pub boundary: Option<String>,
    pub min_lng: Option<f64>,
    pub min_lat: Option<f64>,
    pub max_lng: Option<f64>,
    pub max_lat: Option<f64>,
    /// Last child sequence number handed out; only grows.
    pub next_child_seq: i32,
    pub placard_token: Option<String>,
    pub placard_published_at: Option<NaiveDateTime>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl GridRow {
    /// A new grid without boundary or placard, at version 1.
    pub fn new(
        code: &str,
        name: &str,
        kind: GridKind,
        parent_id: Option<GridId>,
        enterprise_id: Option<EnterpriseId>,
        now: NaiveDateTime,
    ) -> GridRow {
        GridRow {
            id: GridId::generate(),
            code: code.to_owned(),
            name: name.to_owned(),
            kind,
            parent_id,
            enterprise_id,
            description: None,
            boundary: None,
            min_lng: None,
            min_lat: None,
            max_lng: None,
            max_lat: None,
            next_child_seq: 0,
            placard_token: None,
            placard_published_at: None,
            archived_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &GridRow) -> QueryResult<()> {
    diesel::insert_into(grids::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &GridId) -> QueryResult<Option<GridRow>> {
    grids::table
        .find(id)
        .select(GridRow::as_select())
        .first(conn)
        .optional()
}

pub fn by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<GridRow>> {
    grids::table
        .filter(grids::code.eq(code))
        .select(GridRow::as_select())
        .first(conn)
        .optional()
}

pub fn by_placard_token(conn: &mut DbConnection, token: &str) -> QueryResult<Option<GridRow>> {
    grids::table
        .filter(grids::placard_token.eq(token))
        .filter(grids::archived_at.is_null())
        .select(GridRow::as_select())
        .first(conn)
        .optional()
}

/// The zone's root grid.
pub fn zone_root(conn: &mut DbConnection) -> QueryResult<Option<GridRow>> {
    grids::table
        .filter(grids::kind.eq(GridKind::Zone))
        .filter(grids::archived_at.is_null())
        .select(GridRow::as_select())
        .first(conn)
        .optional()
}

pub fn zone_exists(conn: &mut DbConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        grids::table
            .filter(grids::kind.eq(GridKind::Zone))
            .filter(grids::archived_at.is_null()),
    ))
    .get_result(conn)
}

/// The active enterprise grid of an enterprise.
pub fn enterprise_grid(
    conn: &mut DbConnection,
    enterprise_id: &EnterpriseId,
) -> QueryResult<Option<GridRow>> {
    grids::table
        .filter(grids::enterprise_id.eq(enterprise_id))
        .filter(grids::kind.eq(GridKind::Enterprise))
        .filter(grids::archived_at.is_null())
        .select(GridRow::as_select())
        .first(conn)
        .optional()
}

/// Takes the parent's next child sequence number. The UPDATE locks the
/// parent row (PostgreSQL) or the database (SQLite) until commit, so two
/// concurrent creations never get the same number.
pub fn take_child_seq(conn: &mut DbConnection, parent_id: &GridId) -> QueryResult<i32> {
    diesel::update(grids::table.find(parent_id))
        .set(grids::next_child_seq.eq(grids::next_child_seq + 1))
        .execute(conn)?;
    grids::table
        .find(parent_id)
        .select(grids::next_child_seq)
        .first(conn)
}

#[derive(Debug, Clone, Default)]
pub struct GridFilter {
    pub parent_id: Option<GridId>,
    pub enterprise_id: Option<EnterpriseId>,
    pub kind: Option<GridKind>,
    pub include_archived: bool,
    /// Only these grids (the caller's scope); None for the whole zone.
    pub within: Option<Vec<GridId>>,
    /// In the name, or the start of the code.
    pub q: Option<String>,
}

/// One keyset page in code order (a depth-first walk of the tree).
pub fn page(
    conn: &mut DbConnection,
    filter: &GridFilter,
    after_code: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<GridRow>> {
    let mut query = grids::table.select(GridRow::as_select()).into_boxed();
    if let Some(parent) = &filter.parent_id {
        query = query.filter(grids::parent_id.eq(parent.clone()));
    }
    if let Some(enterprise) = &filter.enterprise_id {
        query = query.filter(grids::enterprise_id.eq(enterprise.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(grids::kind.eq(*kind));
    }
    if !filter.include_archived {
        query = query.filter(grids::archived_at.is_null());
    }
    if let Some(ids) = &filter.within {
        query = query.filter(grids::id.eq_any(ids.clone()));
    }
    if let Some(q) = &filter.q {
        query = query.filter(
            grids::name
                .like(text::contains(q))
                .escape('\\')
                .or(grids::code
                    .like(format!("{}%", text::escape(q)))
                    .escape('\\')),
        );
    }
    if let Some(after) = after_code {
        query = query.filter(grids::code.gt(after.to_owned()));
    }
    query.order(grids::code.asc()).limit(limit).load(conn)
}

/// All active grids, or those among `within`, in code order (coverage rates).
pub fn all(conn: &mut DbConnection, within: Option<&[GridId]>) -> QueryResult<Vec<GridRow>> {
    let mut query = grids::table
        .filter(grids::archived_at.is_null())
        .select(GridRow::as_select())
        .into_boxed();
    if let Some(ids) = within {
        query = query.filter(grids::id.eq_any(ids.to_vec()));
    }
    query.order(grids::code.asc()).load(conn)
}

macro_rules! boards_within {
    ($within:expr) => {{
        let query = grids::table
            .filter(grids::archived_at.is_null())
            .filter(grids::kind.ne(GridKind::Zone))
            .into_boxed();
        // the grids themselves: a subtree is a range of their own codes
        match $within {
            Within::All => query,
            Within::Under(code) => {
                query.filter(grids::code.between(code.to_owned(), subtree_end(code)))
            }
            Within::Grids(ids) => query.filter(grids::id.eq_any(ids.to_vec())),
        }
    }};
}

/// The active grids `within` that need a placard (all but the zone root),
/// and how many of them have none published.
pub fn board_counts(conn: &mut DbConnection, within: Within) -> QueryResult<(i64, i64)> {
    Ok((
        boards_within!(within).count().get_result(conn)?,
        boards_within!(within)
            .filter(grids::placard_published_at.is_null())
            .count()
            .get_result(conn)?,
    ))
}

/// One keyset page, in code order, of the active grids `within` whose
/// placard is unpublished.
pub fn unpublished(
    conn: &mut DbConnection,
    within: Within,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<GridRow>> {
    let mut query = boards_within!(within)
        .filter(grids::placard_published_at.is_null())
        .select(GridRow::as_select());
    if let Some(after) = after {
        query = query.filter(grids::code.gt(after.to_owned()));
    }
    query.order(grids::code.asc()).limit(limit).load(conn)
}

/// Every grid (archived too: their cases still count) with its parent.
pub fn tree(conn: &mut DbConnection) -> QueryResult<Vec<(GridId, Option<GridId>)>> {
    grids::table
        .select((grids::id, grids::parent_id))
        .load(conn)
}

/// The children of `parent` with their codes.
pub fn children(conn: &mut DbConnection, parent: &GridId) -> QueryResult<Vec<(GridId, String)>> {
    grids::table
        .filter(grids::parent_id.eq(parent))
        .select((grids::id, grids::code))
        .load(conn)
}

/// The codes of `ids`.
pub fn codes(conn: &mut DbConnection, ids: &[GridId]) -> QueryResult<Vec<(GridId, String)>> {
    grids::table
        .filter(grids::id.eq_any(ids.to_vec()))
        .select((grids::id, grids::code))
        .load(conn)
}

/// The last code of `code`'s subtree. Codes are digits, so a subtree is the
/// index range [code, code + 9…9].
pub fn subtree_end(code: &str) -> String {
    format!(
        "{code}{}",
        "9".repeat(GridCode::MAX_LEN.saturating_sub(code.len()))
    )
}

diesel::define_sql_function! {
    /// Characters in text (the same on both backends for ASCII codes).
    fn length(text: diesel::sql_types::Text) -> diesel::sql_types::Integer;
}

/// The active grids of the subtree under `code` (itself aside), nearest
/// levels first — a deeper grid has a longer code — at most `limit`:
/// what a map under it draws.
pub fn drawn_under(conn: &mut DbConnection, code: &str, limit: i64) -> QueryResult<Vec<GridRow>> {
    grids::table
        .filter(grids::code.gt(code.to_owned()))
        .filter(grids::code.le(subtree_end(code)))
        .filter(grids::archived_at.is_null())
        .select(GridRow::as_select())
        .order((length(grids::code).asc(), grids::code.asc()))
        .limit(limit)
        .load(conn)
}

/// The grids a measure covers.
#[derive(Debug, Clone, Copy)]
pub enum Within<'a> {
    /// Every record, in a grid or not.
    All,
    /// The active grids of the subtree under this code: read through the code
    /// index in the query, so a province's ten thousand ids are never bound.
    Under(&'a str),
    /// These grids.
    Grids(&'a [GridId]),
}

/// Filters a boxed query to the records whose grid column lies `within`.
macro_rules! within {
    ($query:expr, $within:expr, $column:expr) => {{
        use $crate::grid::Within;
        use $crate::schema::grids;
        let query = $query;
        match $within {
            Within::All => query,
            Within::Under(code) => query.filter(
                $column.nullable().eq_any(
                    grids::table
                        .filter(
                            grids::code.between(code.to_owned(), $crate::grid::subtree_end(code)),
                        )
                        .filter(grids::archived_at.is_null())
                        .select(grids::id.nullable()),
                ),
            ),
            Within::Grids(ids) => query.filter($column.nullable().eq_any(ids.to_vec())),
        }
    }};
}
pub(crate) use within;

/// The codes of the active grids below the zone, or of those among
/// `within`: codes only, for checks that read every grid (party coverage).
pub fn codes_below_zone(
    conn: &mut DbConnection,
    within: Option<&[GridId]>,
) -> QueryResult<Vec<String>> {
    let mut query = grids::table
        .filter(grids::archived_at.is_null())
        .filter(grids::kind.ne(GridKind::Zone))
        .select(grids::code)
        .into_boxed();
    if let Some(ids) = within {
        query = query.filter(grids::id.eq_any(ids.to_vec()));
    }
    query.load(conn)
}

/// Ids of the active grids whose codes start with any of `codes`: those grids
/// and everything below them.
pub fn ids_under(conn: &mut DbConnection, codes: &[String]) -> QueryResult<Vec<GridId>> {
    let Some((first, rest)) = codes.split_first() else {
        return Ok(Vec::new());
    };
    let range = |code: &String| grids::code.between(code.clone(), subtree_end(code));
    // one round trip: the ranges OR-ed; archived grids dropped afterwards,
    // because `archived_at IS NULL AND a OR b` would bind wrongly
    let mut query = grids::table
        .select((grids::id, grids::archived_at))
        .filter(range(first))
        .into_boxed();
    for code in rest {
        query = query.or_filter(range(code));
    }
    let mut ids: Vec<GridId> = query
        .load::<(GridId, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter(|(_, archived)| archived.is_none())
        .map(|(id, _)| id)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Active grids whose bounding box holds the point (the SQL prefilter of locate).
pub fn boxes_containing(conn: &mut DbConnection, lng: f64, lat: f64) -> QueryResult<Vec<GridRow>> {
    grids::table
        .filter(grids::archived_at.is_null())
        .filter(grids::min_lng.le(lng))
        .filter(grids::max_lng.ge(lng))
        .filter(grids::min_lat.le(lat))
        .filter(grids::max_lat.ge(lat))
        .select(GridRow::as_select())
        .load(conn)
}

/// Writes the mutable fields if the stored version is `row.version - 1`.
pub fn update(conn: &mut DbConnection, row: &GridRow) -> QueryResult<bool> {
    let n = diesel::update(
        grids::table
            .filter(grids::id.eq(&row.id))
            .filter(grids::version.eq(row.version - 1)),
    )
    .set((
        grids::name.eq(&row.name),
        grids::description.eq(&row.description),
        grids::boundary.eq(&row.boundary),
        grids::min_lng.eq(row.min_lng),
        grids::min_lat.eq(row.min_lat),
        grids::max_lng.eq(row.max_lng),
        grids::max_lat.eq(row.max_lat),
        grids::placard_token.eq(&row.placard_token),
        grids::placard_published_at.eq(row.placard_published_at),
        grids::archived_at.eq(row.archived_at),
        grids::updated_at.eq(row.updated_at),
        grids::version.eq(row.version),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// What still lives in a grid: active children, active assignments, enterprises.
pub fn occupancy(conn: &mut DbConnection, id: &GridId) -> QueryResult<(i64, i64, i64)> {
    let children: i64 = grids::table
        .filter(grids::parent_id.eq(id))
        .filter(grids::archived_at.is_null())
        .count()
        .get_result(conn)?;
    let assigned: i64 = assignments::table
        .filter(assignments::grid_id.eq(id))
        .filter(assignments::ended_at.is_null())
        .count()
        .get_result(conn)?;
    let firms: i64 = enterprises::table
        .filter(enterprises::grid_id.eq(id))
        .filter(enterprises::archived_at.is_null())
        .count()
        .get_result(conn)?;
    let registered: i64 = people::table
        .filter(people::grid_id.eq(id))
        .filter(people::archived_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((children, assigned + registered, firms))
}
