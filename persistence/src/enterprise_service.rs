//! What an enterprise asks of the zone: the accounts it holds (users who
//! act for it) and its service requests with their life-cycle stage.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gridwork_domain::enterprise_service::ServiceStage;
use gridwork_domain::{CaseId, EnterpriseId, UserId};

use crate::case::{CaseRow, StatRow};
use crate::connection::DbConnection;
use crate::schema::{
    case_departments, cases, enterprise_accounts, enterprises, people, service_requests, users,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = enterprise_accounts, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct AccountRow {
    pub enterprise_id: EnterpriseId,
    pub user_id: UserId,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = service_requests, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct ServiceRow {
    pub case_id: CaseId,
    pub enterprise_id: EnterpriseId,
    pub stage: ServiceStage,
}

pub fn insert_account(conn: &mut DbConnection, row: &AccountRow) -> QueryResult<()> {
    diesel::insert_into(enterprise_accounts::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Removes an account; false when there was none.
pub fn remove_account(
    conn: &mut DbConnection,
    enterprise: &EnterpriseId,
    user: &UserId,
) -> QueryResult<bool> {
    diesel::delete(enterprise_accounts::table.find((enterprise, user)))
        .execute(conn)
        .map(|n| n > 0)
}

/// One keyset page of an enterprise's accounts by user id, with their
/// usernames and display names.
pub fn accounts(
    conn: &mut DbConnection,
    enterprise: &EnterpriseId,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(AccountRow, String, Option<String>)>> {
    let mut query = enterprise_accounts::table
        .inner_join(users::table)
        .filter(enterprise_accounts::enterprise_id.eq(enterprise))
        .select((
            AccountRow::as_select(),
            users::username,
            users::display_name,
        ))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(enterprise_accounts::user_id.gt(after.to_owned()));
    }
    query
        .order(enterprise_accounts::user_id.asc())
        .limit(limit)
        .load(conn)
}

/// The enterprises a user acts for: those they head as principal
/// (`enterprises_principal_idx`) and those whose accounts they hold
/// (`enterprise_accounts_user_idx`).
pub fn represented_by(conn: &mut DbConnection, user: &UserId) -> QueryResult<Vec<EnterpriseId>> {
    let mut ids: Vec<EnterpriseId> = enterprises::table
        .filter(
            enterprises::principal_person_id.eq_any(
                people::table
                    .filter(people::user_id.eq(user))
                    .select(people::id.nullable()),
            ),
        )
        .select(enterprises::id)
        .load(conn)?;
    ids.extend(
        enterprise_accounts::table
            .filter(enterprise_accounts::user_id.eq(user))
            .select(enterprise_accounts::enterprise_id)
            .load::<EnterpriseId>(conn)?,
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}

pub fn insert_request(conn: &mut DbConnection, row: &ServiceRow) -> QueryResult<()> {
    diesel::insert_into(service_requests::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The KPI facts of every request of an enterprise, with its stage: one
/// enterprise's requests are few whatever the size of the zone.
pub fn facts(
    conn: &mut DbConnection,
    enterprise: &EnterpriseId,
) -> QueryResult<Vec<(ServiceStage, StatRow)>> {
    service_requests::table
        .inner_join(cases::table)
        .left_join(
            case_departments::table.on(case_departments::case_id
                .eq(cases::id)
                .and(case_departments::lead.eq(true))),
        )
        .filter(service_requests::enterprise_id.eq(enterprise))
        .select((service_requests::stage, crate::case::stat_columns!()))
        .load(conn)
}

/// One keyset page of an enterprise's requests, newest first; `before`:
/// the last case id of the previous page.
pub fn page(
    conn: &mut DbConnection,
    enterprise: &EnterpriseId,
    stage: Option<ServiceStage>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(ServiceStage, CaseRow)>> {
    let mut query = service_requests::table
        .inner_join(cases::table)
        .filter(service_requests::enterprise_id.eq(enterprise))
        .select((service_requests::stage, CaseRow::as_select()))
        .into_boxed();
    if let Some(stage) = stage {
        query = query.filter(service_requests::stage.eq(stage));
    }
    if let Some(before) = before {
        query = query.filter(service_requests::case_id.lt(before.to_owned()));
    }
    query
        .order(service_requests::case_id.desc())
        .limit(limit)
        .load(conn)
}
