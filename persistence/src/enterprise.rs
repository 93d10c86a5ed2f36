//! Enterprises of the zone.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::{EnterpriseId, GridId, PersonId};

use crate::connection::DbConnection;
use crate::grid::{self, Within};
use crate::schema::enterprises;
use crate::text;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = enterprises, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct EnterpriseRow {
    pub id: EnterpriseId,
    pub name: String,
    pub uscc: Option<String>,
    pub industry_section: Option<String>,
    pub industry_text: Option<String>,
    pub employee_count: Option<i32>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub principal_person_id: Option<PersonId>,
    pub production_characteristics: Option<String>,
    /// Comma-separated hazard-flag codes.
    pub flags: String,
    /// The grid the enterprise belongs to (its enterprise grid or an area grid).
    pub grid_id: Option<GridId>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// The last visit's time (a visit verifies the record); kept apart from
    /// `version`, so a visit never makes an edit stale.
    pub last_verified_at: Option<NaiveDateTime>,
}

impl EnterpriseRow {
    /// A new record with only a name, at version 1.
    pub fn new(name: &str, now: NaiveDateTime) -> EnterpriseRow {
        EnterpriseRow {
            id: EnterpriseId::generate(),
            name: name.to_owned(),
            uscc: None,
            industry_section: None,
            industry_text: None,
            employee_count: None,
            address: None,
            lat: None,
            lng: None,
            principal_person_id: None,
            production_characteristics: None,
            flags: String::new(),
            grid_id: None,
            archived_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
            last_verified_at: None,
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &EnterpriseRow) -> QueryResult<()> {
    diesel::insert_into(enterprises::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &EnterpriseId) -> QueryResult<Option<EnterpriseRow>> {
    enterprises::table
        .find(id)
        .select(EnterpriseRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_uscc(conn: &mut DbConnection, uscc: &str) -> QueryResult<Option<EnterpriseRow>> {
    enterprises::table
        .filter(enterprises::uscc.eq(uscc))
        .select(EnterpriseRow::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    pub grid_id: Option<GridId>,
    /// Only enterprises in these grids (the caller's scope); None for the zone.
    pub within: Option<Vec<GridId>>,
    pub include_archived: bool,
    /// In the name, or the start of the credit code.
    pub q: Option<String>,
    /// GB/T 4754 section letter.
    pub industry_section: Option<String>,
    /// Carrying this hazard flag.
    pub flag: Option<String>,
    /// Whether every field of the basic record is filled.
    pub basic_info_complete: Option<bool>,
    /// Stale (true: never visited or last visited before this moment) or
    /// not (false).
    pub stale: Option<(bool, NaiveDateTime)>,
}

/// One keyset page in id (creation) order.
pub fn page(
    conn: &mut DbConnection,
    filter: &EnterpriseFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<EnterpriseRow>> {
    let mut query = enterprises::table
        .select(EnterpriseRow::as_select())
        .into_boxed();
    if let Some(grid) = &filter.grid_id {
        query = query.filter(enterprises::grid_id.eq(grid.clone()));
    }
    if let Some(ids) = &filter.within {
        query = query.filter(enterprises::grid_id.eq_any(ids.clone()));
    }
    if !filter.include_archived {
        query = query.filter(enterprises::archived_at.is_null());
    }
    if let Some(q) = &filter.q {
        query = query.filter(
            enterprises::name
                .like(text::contains(q))
                .escape('\\')
                .or(enterprises::uscc
                    .like(format!("{}%", text::escape(&q.to_uppercase())))
                    .escape('\\')),
        );
    }
    if let Some(section) = &filter.industry_section {
        query = query.filter(enterprises::industry_section.eq(section.clone()));
    }
    if let Some(flag) = &filter.flag {
        let [first, last, middle] = text::list_item(flag);
        query = query.filter(
            enterprises::flags
                .eq(flag.clone())
                .or(enterprises::flags.like(first).escape('\\'))
                .or(enterprises::flags.like(last).escape('\\'))
                .or(enterprises::flags.like(middle).escape('\\')),
        );
    }
    match filter.basic_info_complete {
        Some(true) => query = query.filter(complete()),
        Some(false) => query = query.filter(diesel::dsl::not(complete())),
        None => {}
    }
    match filter.stale {
        Some((true, before)) => {
            query = query.filter(
                enterprises::last_verified_at
                    .is_null()
                    .or(enterprises::last_verified_at.le(before)),
            );
        }
        Some((false, before)) => query = query.filter(enterprises::last_verified_at.gt(before)),
        None => {}
    }
    if let Some(after) = after {
        query = query.filter(enterprises::id.gt(after.to_owned()));
    }
    query.order(enterprises::id.asc()).limit(limit).load(conn)
}

/// Whether the basic record's required fields (domain::enterprise::RecordField)
/// are filled: blanks are stored as NULL (the name is never blank), so NOT NULL
/// means filled. The trigger keeping `enterprise_counts` applies the same rule.
#[diesel::dsl::auto_type]
fn complete() -> _ {
    enterprises::uscc
        .is_not_null()
        .and(enterprises::industry_section.is_not_null())
        .and(enterprises::employee_count.is_not_null())
        .and(enterprises::address.is_not_null())
        .and(enterprises::lat.is_not_null())
        .and(enterprises::lng.is_not_null())
        .and(enterprises::principal_person_id.is_not_null())
        .and(enterprises::production_characteristics.is_not_null())
}

/// What keeps an active enterprise from counting toward a coverage rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordGap {
    /// In no grid.
    Unassigned,
    /// Its basic record misses a required field.
    Incomplete,
}

/// Active enterprises `within` some grids: all of them, and those with each gap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounts {
    pub active: i64,
    pub unassigned: i64,
    pub incomplete: i64,
}

/// Read from the counts kept per grid (`enterprise_counts`, kept by a
/// trigger): a sum over grids, not a count of a province's records.
pub fn record_counts(conn: &mut DbConnection, within: Within) -> QueryResult<RecordCounts> {
    use crate::schema::enterprise_counts as counts;
    use diesel::dsl::sum;
    let (active, incomplete): (Option<i64>, Option<i64>) =
        grid::within!(counts::table.into_boxed(), within, counts::grid_id)
            .select((sum(counts::active), sum(counts::incomplete)))
            .get_result(conn)?;
    // only the whole zone holds the enterprises in no grid (kept under '')
    let unassigned = match within {
        Within::All => counts::table
            .find("")
            .select(counts::active)
            .first::<i32>(conn)
            .optional()?
            .unwrap_or(0),
        Within::Under(_) | Within::Grids(_) => 0,
    };
    Ok(RecordCounts {
        active: active.unwrap_or(0),
        unassigned: i64::from(unassigned),
        incomplete: incomplete.unwrap_or(0),
    })
}

/// One keyset page, in id order, of the active enterprises `within` some
/// grids that have `gap`.
pub fn gaps(
    conn: &mut DbConnection,
    within: Within,
    gap: RecordGap,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<EnterpriseRow>> {
    let mut query = grid::within!(
        enterprises::table
            .filter(enterprises::archived_at.is_null())
            .select(EnterpriseRow::as_select())
            .into_boxed(),
        within,
        enterprises::grid_id
    );
    query = match gap {
        RecordGap::Unassigned => query.filter(enterprises::grid_id.is_null()),
        RecordGap::Incomplete => query.filter(diesel::dsl::not(complete())),
    };
    if let Some(after) = after {
        query = query.filter(enterprises::id.gt(after.to_owned()));
    }
    query.order(enterprises::id.asc()).limit(limit).load(conn)
}

pub fn update(conn: &mut DbConnection, row: &EnterpriseRow) -> QueryResult<bool> {
    let n = diesel::update(
        enterprises::table
            .filter(enterprises::id.eq(&row.id))
            .filter(enterprises::version.eq(row.version - 1)),
    )
    .set((
        enterprises::name.eq(&row.name),
        enterprises::uscc.eq(&row.uscc),
        enterprises::industry_section.eq(&row.industry_section),
        enterprises::industry_text.eq(&row.industry_text),
        enterprises::employee_count.eq(row.employee_count),
        enterprises::address.eq(&row.address),
        enterprises::lat.eq(row.lat),
        enterprises::lng.eq(row.lng),
        enterprises::principal_person_id.eq(&row.principal_person_id),
        enterprises::production_characteristics.eq(&row.production_characteristics),
        enterprises::flags.eq(&row.flags),
        enterprises::grid_id.eq(&row.grid_id),
        enterprises::archived_at.eq(row.archived_at),
        enterprises::updated_at.eq(row.updated_at),
        enterprises::version.eq(row.version),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a visit at `at`: the enterprise's last verification moves to it
/// unless a later visit is on record.
pub fn verified(conn: &mut DbConnection, id: &EnterpriseId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        enterprises::table.filter(enterprises::id.eq(id)).filter(
            enterprises::last_verified_at
                .is_null()
                .or(enterprises::last_verified_at.lt(at)),
        ),
    )
    .set(enterprises::last_verified_at.eq(at))
    .execute(conn)
    .map(drop)
}
