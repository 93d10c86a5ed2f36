//! Enterprise services over the life cycle: the accounts an enterprise
//! holds (its staff, who act for it beside its principal) and its view of
//! what it asked of the zone, by stage, with outcomes and satisfaction.
//!
//! Who sees an enterprise's services: whoever sees the enterprise (its
//! grids' staff, the office) and those who act for it.

use std::collections::BTreeMap;

use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::CaseState;
use gridwork_domain::case::kpi::{Kpis, Tally};
use gridwork_domain::enterprise_service::ServiceStage;
use gridwork_domain::{EnterpriseId, Permission, Role, UserId};
use gridwork_persistence::case::CaseRow;
use gridwork_persistence::enterprise::EnterpriseRow;
use gridwork_persistence::enterprise_service::{self as store, AccountRow, represented_by};
use gridwork_persistence::{DbConnection, enterprise, time, user};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, ErrorCode, FieldCode, Origin, Scoped, case_stats, enterprises};

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    /// A user account holding the `enterprise_user` role.
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = String, format = Uuid, min_length = 36, max_length = 36)]
    pub user_id: String,
}

/// An account with the user's username and display name.
pub type Account = (AccountRow, String, Option<String>);

/// Lets a user act for an enterprise (those who keep its record).
pub fn add_account(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &EnterpriseId,
    input: AccountInput,
) -> Result<Account, AppError> {
    let firm = enterprises::find_visible(conn, scoped, id)?;
    scoped.require(Permission::EditEnterprises)?;
    input.validate()?;
    let account = user::find(conn, &UserId::from(input.user_id.as_str()))?
        .ok_or_else(|| AppError::invalid("user_id", FieldCode::NotFound, "no such user"))?;
    let enterprise_user = gridwork_domain::Roles::parse_stored(&account.roles)
        .is_ok_and(|r| r.contains(Role::EnterpriseUser));
    if !enterprise_user {
        return Err(AppError::invalid(
            "user_id",
            FieldCode::WrongKind,
            "the user does not hold the `enterprise_user` role",
        ));
    }
    let row = AccountRow {
        enterprise_id: firm.id,
        user_id: account.id,
        created_by: scoped.caller.user_id().cloned(),
        created_at: time::to_db(time::now()),
    };
    super::transaction(conn, |conn| {
        store::insert_account(conn, &row).map_err(|e| {
            super::input::once(
                e,
                ErrorCode::AccountHeld,
                "This user acts for the enterprise already.",
            )
        })?;
        AuditEvent::success(AuditAction::EnterpriseAccountAdd)
            .by(&scoped.caller)
            .on(Entity::Enterprise, &row.enterprise_id)
            .detail(serde_json::json!({ "user_id": row.user_id }))
            .write(conn, origin)?;
        Ok((row, account.username, account.display_name))
    })
}

/// Stops a user acting for an enterprise; NotFound when they did not.
pub fn remove_account(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &EnterpriseId,
    user_id: &UserId,
) -> Result<(), AppError> {
    let firm = enterprises::find_visible(conn, scoped, id)?;
    scoped.require(Permission::EditEnterprises)?;
    super::transaction(conn, |conn| {
        if !store::remove_account(conn, &firm.id, user_id)? {
            return Err(AppError::NotFound);
        }
        AuditEvent::success(AuditAction::EnterpriseAccountRemove)
            .by(&scoped.caller)
            .on(Entity::Enterprise, &firm.id)
            .detail(serde_json::json!({ "user_id": user_id }))
            .write(conn, origin)?;
        Ok(())
    })
}

/// One keyset page of the accounts an enterprise holds.
pub fn accounts(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &EnterpriseId,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<Account>, AppError> {
    let firm = enterprises::find_visible(conn, scoped, id)?;
    Ok(store::accounts(conn, &firm.id, after, fetch)?)
}

/// An enterprise's requests at one stage: how many in each state, and
/// their KPIs.
#[derive(Debug)]
pub struct StageSummary {
    pub stage: ServiceStage,
    pub by_state: BTreeMap<CaseState, u64>,
    pub kpis: Kpis,
}

/// The life-cycle view: a summary per stage (every stage, in life order)
/// and one keyset page of the requests, newest first.
#[derive(Debug)]
pub struct Services {
    pub enterprise: EnterpriseRow,
    pub stages: Vec<StageSummary>,
    pub requests: Vec<(ServiceStage, CaseRow)>,
}

/// The enterprise's services, for those who see it or act for it.
pub fn services(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &EnterpriseId,
    stage: Option<ServiceStage>,
    before: Option<&str>,
    fetch: i64,
) -> Result<Services, AppError> {
    let firm = enterprise::find(conn, id)?.ok_or(AppError::NotFound)?;
    if !scoped.scope.covers(firm.grid_id.as_ref()) {
        let me = scoped.caller.user_id().ok_or(AppError::NotFound)?;
        if !represented_by(conn, me)?.contains(&firm.id) {
            return Err(AppError::NotFound);
        }
    }
    let now = time::to_db(time::now());
    let mut tallies: BTreeMap<ServiceStage, Tally> = ServiceStage::ALL
        .into_iter()
        .map(|s| (s, Tally::default()))
        .collect();
    for (stage, row) in store::facts(conn, &firm.id)? {
        tallies
            .entry(stage)
            .or_default()
            .add(&case_stats::facts(&row, now));
    }
    let stages = tallies
        .into_iter()
        .map(|(stage, tally)| StageSummary {
            stage,
            kpis: tally.kpis(),
            by_state: tally.by_state,
        })
        .collect();
    let requests = store::page(conn, &firm.id, stage, before, fetch)?;
    Ok(Services {
        enterprise: firm,
        stages,
        requests,
    })
}
