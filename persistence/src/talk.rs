//! Heart-to-heart talks (谈心谈话).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use gridwork_domain::dispute::RiskLevel;
use gridwork_domain::{DisputeId, EnterpriseId, GridId, TalkId, UserId};

use crate::connection::DbConnection;
use crate::schema::talks;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = talks, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct TalkRow {
    pub id: TalkId,
    pub grid_id: GridId,
    pub enterprise_id: Option<EnterpriseId>,
    pub dispute_id: Option<DisputeId>,
    pub held_on: NaiveDate,
    /// What it was about, without names: everyone in scope reads it.
    pub topic: String,
    /// Who was talked with: restricted.
    pub subject: String,
    /// What was said: restricted.
    pub notes: String,
    pub risk: RiskLevel,
    pub follow_up_on: Option<NaiveDate>,
    pub talker_id: UserId,
    pub fingerprint: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &TalkRow) -> QueryResult<()> {
    diesel::insert_into(talks::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &TalkId) -> QueryResult<Option<TalkRow>> {
    talks::table
        .find(id)
        .select(TalkRow::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Default)]
pub struct TalkFilter {
    pub grids: Option<Vec<GridId>>,
    pub risk: Option<RiskLevel>,
    pub dispute_id: Option<DisputeId>,
}

/// One keyset page, newest first (`talks_grid_idx`).
pub fn page(
    conn: &mut DbConnection,
    filter: &TalkFilter,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<TalkRow>> {
    let mut query = talks::table.select(TalkRow::as_select()).into_boxed();
    if let Some(grids) = &filter.grids {
        query = query.filter(talks::grid_id.eq_any(grids.clone()));
    }
    if let Some(risk) = filter.risk {
        query = query.filter(talks::risk.eq(risk));
    }
    if let Some(dispute) = &filter.dispute_id {
        query = query.filter(talks::dispute_id.eq(dispute.clone()));
    }
    if let Some(before) = before {
        query = query.filter(talks::id.lt(before.to_owned()));
    }
    query.order(talks::id.desc()).limit(limit).load(conn)
}

/// `(held_on, risk)` of the talks held in `[from, to)` within some grids
/// (None: all).
pub fn facts(
    conn: &mut DbConnection,
    grids: Option<&[GridId]>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, RiskLevel)>> {
    let mut query = talks::table
        .filter(talks::held_on.ge(from))
        .filter(talks::held_on.lt(to))
        .select((talks::held_on, talks::risk))
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(talks::grid_id.eq_any(grids.to_vec()));
    }
    query.load(conn)
}
