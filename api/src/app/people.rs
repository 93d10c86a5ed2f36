//! People: grid staff, enterprise principals, anyone a placard names. ID
//! numbers are kept only as a keyed hash and their last four characters.

use gridwork_domain::assignment::GridRole;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::person::{IdCardNumber, MobilePhone, PersonName, WorkPhone};
use gridwork_domain::{GridId, Permission, PersonId, Scope, UserId};
use gridwork_persistence::person::{self, PersonFilter, PersonRow};
use gridwork_persistence::{DbConnection, grid, time, user};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use utoipa::ToSchema;
use validator::Validate;

use super::input::{clean, nullable};
use super::{AppError, AuditEvent, ErrorCode, Expected, FieldCode, FieldError, Origin, Scoped};

/// Fields of a person. On update, absent fields stay and `null` clears.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// 1–50 characters, not blank.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "张亚超")]
    pub name: Option<String>,
    /// Mainland mobile number.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 32))]
    #[schema(value_type = Option<String>, max_length = 32, pattern = "^\\s*(?:[ -]*(?:\\+[ -]*8[ -]*6|0[ -]*0[ -]*8[ -]*6)?[ -]*1[ -]*[3-9](?:[ -]*[0-9]){9}[ -]*)?\\s*$", example = "13800001234")]
    pub mobile: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    /// 5–20 digits, spaces and dashes, at least 5 digits.
    #[validate(length(max = 32))]
    #[schema(value_type = Option<String>, max_length = 32, pattern = "^\\s*(?:[0-9 -]{5,20})?\\s*$", example = "0394-8123456")]
    pub work_phone: Option<Option<String>>,
    /// Resident ID number (GB 11643); only a keyed hash and the last 4 are kept.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 32))]
    #[schema(value_type = Option<String>, max_length = 32, pattern = "^\\s*(?:[0-9]{17}[0-9Xx])?\\s*$")]
    pub id_card_number: Option<Option<String>>,
    pub party_member: Option<bool>,
    /// Links the person to a login account.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 64), custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = Option<String>, max_length = 64)]
    pub user_id: Option<Option<String>>,
    /// The grid the person is registered in.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 64), custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = Option<String>, max_length = 64)]
    pub grid_id: Option<Option<String>>,
    /// Consent to appear on public placards; recorded with its time.
    pub placard_consent: Option<bool>,
    /// Consent, separate and revocable, to show the mobile number in full
    /// (callable) on placards; recorded with its time. Without it a placard
    /// shows the work number, or the mobile masked.
    pub placard_phone_consent: Option<bool>,
}

fn id_card_hash(key: &[u8], id: &IdCardNumber) -> Result<String, AppError> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key).map_err(|e| AppError::Internal(e.to_string()))?;
    mac.update(id.expose().as_bytes());
    Ok(crate::auth::hex(&mac.finalize().into_bytes()))
}

/// Applies `input` to `row`; returns the names of changed fields (never values).
fn apply(
    row: &mut PersonRow,
    input: PersonInput,
    pii_key: &[u8],
) -> Result<Vec<&'static str>, AppError> {
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    if let Some(name) = input.name {
        match PersonName::parse(&name) {
            Ok(n) => row.name = n.as_str().to_owned(),
            Err(e) => errors.push(FieldError::new("name", FieldCode::Invalid, e)),
        }
        changed.push("name");
    }
    if let Some(mobile) = input.mobile {
        match clean(mobile).map(|m| MobilePhone::parse(&m)).transpose() {
            Ok(m) => row.mobile = m.map(|m| m.as_str().to_owned()),
            Err(e) => errors.push(FieldError::new("mobile", FieldCode::InvalidMobile, e)),
        }
        changed.push("mobile");
    }
    if let Some(phone) = input.work_phone {
        match clean(phone).map(|p| WorkPhone::parse(&p)).transpose() {
            Ok(p) => row.work_phone = p.map(|p| p.as_str().to_owned()),
            Err(e) => errors.push(FieldError::new("work_phone", FieldCode::InvalidPhone, e)),
        }
        changed.push("work_phone");
    }
    if let Some(id) = input.id_card_number {
        match clean(id).map(|i| IdCardNumber::parse(&i)).transpose() {
            Ok(Some(id)) => {
                row.id_card_hash = Some(id_card_hash(pii_key, &id)?);
                row.id_card_last4 = Some(id.last4().to_owned());
            }
            Ok(None) => (row.id_card_hash, row.id_card_last4) = (None, None),
            Err(e) => errors.push(FieldError::new(
                "id_card_number",
                FieldCode::InvalidIdCard,
                e,
            )),
        }
        changed.push("id_card_number");
    }
    if let Some(member) = input.party_member {
        row.party_member = member;
        changed.push("party_member");
    }
    if let Some(user) = input.user_id {
        row.user_id = clean(user).map(UserId::from);
        changed.push("user_id");
    }
    if let Some(grid) = input.grid_id {
        row.grid_id = clean(grid).map(GridId::from);
        changed.push("grid_id");
    }
    if let Some(consent) = input.placard_consent {
        if consent != row.placard_consent {
            row.placard_consent = consent;
            row.placard_consent_at = consent.then_some(row.updated_at);
        }
        changed.push("placard_consent");
    }
    if let Some(consent) = input.placard_phone_consent {
        if consent != row.placard_phone_consent {
            row.placard_phone_consent = consent;
            row.placard_phone_consent_at = consent.then_some(row.updated_at);
        }
        changed.push("placard_phone_consent");
    }
    if row.name.is_empty() && !errors.iter().any(|e| e.field == "name") {
        errors.push(FieldError::new(
            "name",
            FieldCode::Required,
            "must be 1 to 50 characters",
        ));
    }
    AppError::check(errors)?;
    Ok(changed)
}

/// The consents a person has given, for the audit log: a given or
/// withdrawn consent must be provable later.
fn consents(row: &PersonRow) -> serde_json::Value {
    serde_json::json!({
        "placard": row.placard_consent,
        "placard_phone": row.placard_phone_consent,
    })
}

/// The grid must be in scope; the ID number and the account unused by anyone else.
fn check_references(
    conn: &mut DbConnection,
    row: &PersonRow,
    scope: &Scope,
) -> Result<(), AppError> {
    match &row.grid_id {
        Some(id) => {
            grid::find(conn, id)?
                .filter(|g| g.archived_at.is_none() && scope.covers(Some(&g.id)))
                .ok_or_else(|| AppError::invalid("grid_id", FieldCode::NotFound, "no such grid"))?;
        }
        None if scope.grid_ids().is_some() => {
            return Err(AppError::invalid(
                "grid_id",
                FieldCode::Required,
                "give a grid in your scope",
            ));
        }
        None => {}
    }
    if let Some(hash) = &row.id_card_hash
        && person::find_by_id_card_hash(conn, hash)?.is_some_and(|other| other.id != row.id)
    {
        return Err(AppError::conflict(
            ErrorCode::PersonExists,
            "A person with this ID number is registered already.",
        ));
    }
    if let Some(user_id) = &row.user_id {
        if user::find(conn, user_id)?.is_none() {
            return Err(AppError::invalid(
                "user_id",
                FieldCode::NotFound,
                "no such user",
            ));
        }
        if person::find_by_user(conn, user_id)?.is_some_and(|other| other.id != row.id) {
            return Err(AppError::conflict(
                ErrorCode::UserLinked,
                "This account is linked to another person.",
            ));
        }
    }
    Ok(())
}

/// Linking a login account to a person is identity administration: zone level only.
fn check_account_link(scoped: &Scoped, input: &PersonInput) -> Result<(), AppError> {
    if input.user_id.is_some() && !scoped.caller.has(Permission::ZoneWide) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// A person the caller may see: registered in or assigned to a grid in scope.
pub fn find_visible(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &PersonId,
) -> Result<PersonRow, AppError> {
    let row = person::find(conn, id)?.ok_or(AppError::NotFound)?;
    match scoped.scope.grid_ids() {
        Some(grids) if !person::ids_in_grids(conn, grids)?.contains(&row.id) => {
            Err(AppError::NotFound)
        }
        _ => Ok(row),
    }
}

/// A person in the caller's scope, named by a body field: one outside it
/// (or none) is refused naming the field.
pub fn named_in_body(
    conn: &mut DbConnection,
    scoped: &Scoped,
    field: &str,
    id: &str,
) -> Result<PersonRow, AppError> {
    find_visible(conn, scoped, &PersonId::from(id)).map_err(|e| match e {
        AppError::NotFound => AppError::invalid(field, FieldCode::NotFound, "no such person"),
        other => other,
    })
}

/// One keyset page of the people in the caller's scope.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    filter: PeopleFilter,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<PersonRow>, AppError> {
    // the grids to look in: a subtree cut to the scope, the scope, or the zone
    let grids = match &filter.grid_id {
        Some(id) => match grid::find(conn, id)?.filter(|g| scoped.scope.covers(Some(&g.id))) {
            Some(root) => {
                let mut ids = grid::ids_under(conn, &[root.code])?;
                if let Some(scope) = scoped.scope.grid_ids() {
                    ids.retain(|id| scope.contains(id));
                }
                Some(ids)
            }
            None => Some(Vec::new()),
        },
        None => scoped.scope.grid_ids().map(<[GridId]>::to_vec),
    };
    let within = match (grids, filter.role) {
        (Some(grids), None) => Some(person::ids_in_grids(conn, &grids)?),
        (Some(grids), Some(role)) => Some(person::assigned_in_grids(conn, &grids, Some(role))?),
        (None, Some(role)) => Some(person::assigned_as(conn, role)?),
        (None, None) => None,
    };
    let filter = PersonFilter {
        within,
        q: filter.q,
        party_member: filter.party_member,
        placard_consent: filter.placard_consent,
    };
    Ok(person::page(conn, &filter, after, fetch)?)
}

/// What a list of people may be narrowed to; always inside the caller's scope.
#[derive(Debug, Default)]
pub struct PeopleFilter {
    /// This grid and everything below it.
    pub grid_id: Option<GridId>,
    /// Actively assigned in this role.
    pub role: Option<GridRole>,
    pub q: Option<String>,
    pub party_member: Option<bool>,
    pub placard_consent: Option<bool>,
}

/// Registers a person (people-management rights). Callers below zone level
/// register people in a grid of their scope.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    pii_key: &[u8],
    input: PersonInput,
) -> Result<PersonRow, AppError> {
    scoped.require(Permission::ManagePeople)?;
    input.validate()?;
    check_account_link(scoped, &input)?;
    let mut row = PersonRow::new("", time::to_db(time::now()));
    apply(&mut row, input, pii_key)?;
    super::transaction(conn, |conn| {
        check_references(conn, &row, &scoped.scope)?;
        person::insert(conn, &row)?;
        AuditEvent::success(AuditAction::PersonCreate)
            .by(&scoped.caller)
            .on(Entity::Person, &row.id)
            .detail(serde_json::json!({ "name": row.name, "grid_id": row.grid_id, "consents": consents(&row) }))
            .event(
                EventType::PersonCreated,
                serde_json::json!({ "grid_id": row.grid_id }),
            )
            .write(conn, origin)?;
        Ok(row)
    })
}

/// Changes a person (people-management rights).
pub fn update(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    pii_key: &[u8],
    id: &PersonId,
    expected: &Expected,
    input: PersonInput,
) -> Result<PersonRow, AppError> {
    let current = find_visible(conn, scoped, id)?;
    scoped.require(Permission::ManagePeople)?;
    input.validate()?;
    check_account_link(scoped, &input)?;
    let version = current.version;
    let mut next = current;
    next.updated_at = time::to_db(time::now());
    let changed = apply(&mut next, input, pii_key)?;
    expected.check(version)?;
    next.version += 1;
    super::transaction(conn, |conn| {
        check_references(conn, &next, &scoped.scope)?;
        if !person::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::PersonUpdate)
            .by(&scoped.caller)
            .on(Entity::Person, &next.id)
            .detail(serde_json::json!({ "changed": changed, "consents": consents(&next) }))
            .event(
                EventType::PersonUpdated,
                serde_json::json!({ "changed": changed }),
            )
            .write(conn, origin)?;
        Ok(next)
    })
}
