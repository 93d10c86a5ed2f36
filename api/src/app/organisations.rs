//! Social organisations (工会、共青团、妇联、签约社会组织): kept by the zone
//! office with their members, who may take part-time or mobile assignments
//! like anyone (the pre-job gate applies to part-time posts); what their
//! members reported, inspected and mediated is counted per organisation.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::month::Month;
use gridwork_domain::organisation::{Contribution, OrganisationKind};
use gridwork_domain::task::start_of;
use gridwork_domain::{OrganisationId, Permission};
use gridwork_persistence::organisation::{self as store, MemberRow, OrganisationRow};
use gridwork_persistence::{DbConnection, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, ErrorCode, Origin, Scoped, people};

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    pub kind: OrganisationKind,
    /// 1–100 characters, not blank.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "\\S",
        example = "西华经开区总工会"
    )]
    pub name: String,
    /// Whom to call there (a name, a number), up to 100 characters.
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationMemberInput {
    /// A person in the caller's scope.
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = String, format = Uuid, min_length = 36, max_length = 36)]
    pub person_id: String,
    pub joined_on: Option<chrono::NaiveDate>,
}

pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: OrganisationInput,
) -> Result<OrganisationRow, AppError> {
    scoped.require(Permission::ManageOrganisations)?;
    input.validate()?;
    let at = time::to_db(time::now());
    let row = OrganisationRow {
        id: OrganisationId::generate(),
        kind: input.kind,
        name: super::input::required("name", &input.name)?,
        contact: super::input::clean(input.contact),
        created_by: scoped.caller.user_id().cloned(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    super::transaction(conn, |conn| {
        store::insert(conn, &row)?;
        AuditEvent::success(AuditAction::OrganisationCreate)
            .by(&scoped.caller)
            .on(Entity::Organisation, &row.id)
            .detail(serde_json::json!({ "kind": row.kind, "name": row.name }))
            .write(conn, origin)?;
        Ok(row)
    })
}

pub fn find(conn: &mut DbConnection, id: &OrganisationId) -> Result<OrganisationRow, AppError> {
    store::find(conn, id)?.ok_or(AppError::NotFound)
}

pub fn list(
    conn: &mut DbConnection,
    kind: Option<OrganisationKind>,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<OrganisationRow>, AppError> {
    Ok(store::page(conn, kind, after, fetch)?)
}

/// Registers a member: a person in the caller's scope, once.
pub fn add_member(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &OrganisationId,
    input: OrganisationMemberInput,
) -> Result<(MemberRow, String), AppError> {
    let org = find(conn, id)?;
    scoped.require(Permission::ManageOrganisations)?;
    input.validate()?;
    let person = people::named_in_body(conn, scoped, "person_id", &input.person_id)?;
    let row = MemberRow {
        organisation_id: org.id,
        person_id: person.id,
        joined_on: input.joined_on,
        created_at: time::to_db(time::now()),
    };
    super::transaction(conn, |conn| {
        store::insert_member(conn, &row).map_err(|e| {
            super::input::once(
                e,
                ErrorCode::AlreadyMember,
                "This person is a member already.",
            )
        })?;
        AuditEvent::success(AuditAction::OrganisationMemberAdd)
            .by(&scoped.caller)
            .on(Entity::Organisation, &row.organisation_id)
            .detail(serde_json::json!({ "person_id": row.person_id }))
            .write(conn, origin)?;
        Ok((row, person.name))
    })
}

/// An organisation's members: names of people, for the office only.
pub fn members(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &OrganisationId,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<(MemberRow, String)>, AppError> {
    let org = find(conn, id)?;
    scoped.require(Permission::ZoneWide)?;
    Ok(store::members(conn, &org.id, after, fetch)?)
}

/// What the organisation's members did in a month (the zone's time zone).
pub fn contribution(
    conn: &mut DbConnection,
    id: &OrganisationId,
    month: Month,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(OrganisationRow, i64, Contribution), AppError> {
    let org = find(conn, id)?;
    let users = store::member_accounts(conn, &org.id)?;
    let from = time::to_db(start_of(month.first_day(), &tz));
    let to = time::to_db(start_of(month.next().first_day(), &tz).min(now));
    let mut c = Contribution::default();
    for chunk in users.chunks(500) {
        let (reports, inspections, mediations) = store::contributions(conn, chunk, from, to)?;
        let n = |x: i64| u64::try_from(x).unwrap_or(0);
        c.reports += n(reports);
        c.inspections += n(inspections);
        c.mediations += n(mediations);
    }
    let members = i64::try_from(users.len()).unwrap_or(i64::MAX);
    Ok((org, members, c))
}
