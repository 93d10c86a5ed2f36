//! Visits to enterprises (走访).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::visit::VisitPurpose;
use gridwork_domain::{EnterpriseId, UserId, VisitId};

use crate::connection::DbConnection;
use crate::schema::{enterprise_visits, users};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = enterprise_visits, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct VisitRow {
    pub id: VisitId,
    pub enterprise_id: EnterpriseId,
    pub visitor_id: UserId,
    pub visited_at: NaiveDateTime,
    pub purpose: VisitPurpose,
    pub findings: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Attachment ids, comma-separated.
    pub attachments: String,
    pub fingerprint: String,
    pub created_at: NaiveDateTime,
}

/// A visit with the visitor's display name (or username).
#[derive(Debug, Clone, PartialEq)]
pub struct Visited {
    pub row: VisitRow,
    pub visitor_name: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &VisitRow) -> QueryResult<()> {
    diesel::insert_into(enterprise_visits::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &VisitId) -> QueryResult<Option<VisitRow>> {
    enterprise_visits::table
        .find(id)
        .select(VisitRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of an enterprise's visits, latest first, after the
/// position `(visited_at, id)` of the previous page's last
/// (`enterprise_visits_enterprise_idx`).
pub fn page(
    conn: &mut DbConnection,
    enterprise: &EnterpriseId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<Visited>> {
    let mut query = enterprise_visits::table
        .left_join(users::table.on(users::id.eq(enterprise_visits::visitor_id)))
        .filter(enterprise_visits::enterprise_id.eq(enterprise))
        .select((
            VisitRow::as_select(),
            users::display_name.nullable(),
            users::username.nullable(),
        ))
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            enterprise_visits::visited_at
                .lt(at)
                .or(enterprise_visits::visited_at
                    .eq(at)
                    .and(enterprise_visits::id.lt(id))),
        );
    }
    let rows: Vec<(VisitRow, Option<String>, Option<String>)> = query
        .order((
            enterprise_visits::visited_at.desc(),
            enterprise_visits::id.desc(),
        ))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, display, username)| Visited {
            row,
            visitor_name: display.or(username),
        })
        .collect())
}
