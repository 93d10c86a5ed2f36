//! Enterprises of the zone.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::{EnterpriseId, GridId, PersonId, UserId};

use crate::connection::DbConnection;
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
    // the basic record's required fields (domain::enterprise::RecordField);
    // blanks are stored as NULL, so NOT NULL means filled
    let complete = enterprises::uscc
        .is_not_null()
        .and(enterprises::industry_section.is_not_null())
        .and(enterprises::employee_count.is_not_null())
        .and(enterprises::address.is_not_null())
        .and(enterprises::lat.is_not_null())
        .and(enterprises::lng.is_not_null())
        .and(enterprises::principal_person_id.is_not_null())
        .and(enterprises::production_characteristics.is_not_null());
    match filter.basic_info_complete {
        Some(true) => query = query.filter(complete),
        Some(false) => query = query.filter(diesel::dsl::not(complete)),
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

/// All active enterprises of the filter, for the coverage rates.
pub fn all(conn: &mut DbConnection, within: Option<&[GridId]>) -> QueryResult<Vec<EnterpriseRow>> {
    let mut query = enterprises::table
        .filter(enterprises::archived_at.is_null())
        .select(EnterpriseRow::as_select())
        .into_boxed();
    if let Some(ids) = within {
        query = query.filter(enterprises::grid_id.eq_any(ids.to_vec()));
    }
    query.order(enterprises::id.asc()).load(conn)
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

/// The enterprises whose principal is the person of this account.
pub fn principal_of(conn: &mut DbConnection, user: &UserId) -> QueryResult<Vec<EnterpriseId>> {
    use crate::schema::people;
    enterprises::table
        .filter(
            enterprises::principal_person_id.eq_any(
                people::table
                    .filter(people::user_id.eq(user))
                    .select(people::id.nullable()),
            ),
        )
        .select(enterprises::id)
        .order(enterprises::id)
        .load(conn)
}
