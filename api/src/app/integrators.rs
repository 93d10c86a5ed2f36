//! Integrators: an admin registers an outside system (a courier platform),
//! chooses its scopes, and gives it keys — shown once, stored as SHA-256 —
//! which it rotates with an overlap and revokes. A request made with a key,
//! or with a rider token exchanged for one, is resolved here.

use chrono::{DateTime, Utc};
use gridwork_domain::access_token::TokenName;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::Source;
use gridwork_domain::integrator::{
    IntegratorScope, IntegratorScopes, KeyStanding, MAX_ACTIVE_KEYS, Overlap,
};
use gridwork_domain::{IntegratorId, IntegratorKeyId, Permission};
use gridwork_persistence::integrator::{self as store, IntegratorRow, KeyRow};
use gridwork_persistence::{DbConnection, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::caller::Rider;
use super::{AppError, AuditEvent, Caller, ErrorCode, Expected, FieldCode, FieldError, Origin};
use crate::auth::refresh::hash;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIntegrator {
    /// What the zone calls it; unique (trimmed).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "美团配送")]
    pub name: String,
    /// What it may do.
    #[validate(length(min = 1, max = 5))]
    #[schema(value_type = Vec<IntegratorScope>, min_items = 1, max_items = 5, example = json!(["enrol_riders", "report_cases", "read_own_cases"]))]
    pub scopes: Vec<String>,
}

/// Changes to an integrator; absent fields stay.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIntegrator {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 5))]
    #[schema(value_type = Option<Vec<IntegratorScope>>, min_items = 1, max_items = 5)]
    pub scopes: Option<Vec<String>>,
    /// A disabled integrator's keys and its riders' tokens stop working at
    /// once; enabling it again brings back the keys still in their time.
    pub disabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateKey {
    /// How long the integrator's current keys keep working beside the new
    /// one, in hours (0: they stop now). Default 24.
    #[validate(range(min = 0, max = 720))]
    #[schema(minimum = 0, maximum = 720, example = 24)]
    pub overlap_hours: Option<i64>,
}

/// The default overlap of a rotation.
const OVERLAP_HOURS: i64 = 24;

/// An integrator with a key just made and its secret, to show once.
#[derive(Debug)]
pub struct Issued {
    pub integrator: IntegratorRow,
    pub key: KeyRow,
    pub secret: String,
}

fn scopes(codes: &[String]) -> Result<IntegratorScopes, FieldError> {
    IntegratorScopes::parse(codes.iter().map(String::as_str))
        .map_err(|e| FieldError::new("scopes", FieldCode::UnknownScope, e))
}

fn name(raw: &str) -> Result<TokenName, FieldError> {
    TokenName::parse(raw).map_err(|e| FieldError::new("name", FieldCode::Invalid, e))
}

fn name_free(
    conn: &mut DbConnection,
    name: &str,
    id: Option<&IntegratorId>,
) -> Result<(), AppError> {
    match store::find_by_name(conn, name)? {
        Some(other) if Some(&other.id) != id => Err(AppError::conflict(
            ErrorCode::NameTaken,
            "Another integrator has this name.",
        )),
        _ => Ok(()),
    }
}

/// A key row for a minted key, and its secret.
fn new_key(
    integrator: &IntegratorId,
    minted: (String, String),
    now: DateTime<Utc>,
) -> (KeyRow, String) {
    let (id, secret) = minted;
    (
        KeyRow {
            id: IntegratorKeyId::from(id),
            integrator_id: integrator.clone(),
            key_hash: hash(&secret),
            created_at: time::to_db(now),
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
        },
        secret,
    )
}

/// Registers an integrator with its first key (admins).
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    input: &CreateIntegrator,
    minted: (String, String),
    now: DateTime<Utc>,
) -> Result<Issued, AppError> {
    caller.require(Permission::ManageIntegrators)?;
    input.validate()?;
    let (name, scopes) = match (name(&input.name), scopes(&input.scopes)) {
        (Ok(name), Ok(scopes)) => (name, scopes),
        (name, scopes) => {
            return Err(AppError::Invalid(
                [name.err(), scopes.err()].into_iter().flatten().collect(),
            ));
        }
    };
    let at = time::to_db(now);
    let integrator = IntegratorRow {
        id: IntegratorId::generate(),
        name: name.as_str().to_owned(),
        scopes: scopes.to_stored(),
        disabled: false,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let (key, secret) = new_key(&integrator.id, minted, now);
    super::transaction(conn, |conn| {
        name_free(conn, &integrator.name, None)?;
        store::insert(conn, &integrator)?;
        store::insert_key(conn, &key)?;
        AuditEvent::success(AuditAction::IntegratorCreate)
            .by(caller)
            .on(Entity::Integrator, &integrator.id)
            .detail(serde_json::json!({
                "name": integrator.name,
                "scopes": integrator.scopes,
                "key_id": key.id,
            }))
            .write(conn, origin)?;
        Ok(Issued {
            integrator,
            key,
            secret,
        })
    })
}

/// One keyset page of integrators (admins).
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<IntegratorRow>, AppError> {
    caller.require(Permission::ManageIntegrators)?;
    Ok(store::page(conn, after, fetch)?)
}

/// The keys of `integrator` that work at `now`.
fn working_keys(
    conn: &mut DbConnection,
    integrator: &IntegratorId,
    now: DateTime<Utc>,
) -> Result<Vec<KeyRow>, AppError> {
    Ok(store::keys_of(conn, integrator)?
        .into_iter()
        .filter(|k| standing(k, now) == KeyStanding::Active)
        .collect())
}

fn standing(key: &KeyRow, now: DateTime<Utc>) -> KeyStanding {
    KeyStanding::at(
        key.expires_at.map(time::from_db),
        key.revoked_at.map(time::from_db),
        now,
    )
}

/// An integrator with its working keys (admins).
pub fn get(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &IntegratorId,
    now: DateTime<Utc>,
) -> Result<(IntegratorRow, Vec<KeyRow>), AppError> {
    caller.require(Permission::ManageIntegrators)?;
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    let keys = working_keys(conn, id, now)?;
    Ok((row, keys))
}

/// Renames an integrator, changes its scopes, disables or enables it.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    id: &IntegratorId,
    expected: &Expected,
    input: &UpdateIntegrator,
    now: DateTime<Utc>,
) -> Result<(IntegratorRow, Vec<KeyRow>), AppError> {
    caller.require(Permission::ManageIntegrators)?;
    input.validate()?;
    let mut errors = Vec::new();
    let name = input
        .name
        .as_deref()
        .map(name)
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let scopes = input
        .scopes
        .as_deref()
        .map(scopes)
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    AppError::check(errors)?;
    super::transaction(conn, |conn| {
        let current = store::find(conn, id)?.ok_or(AppError::NotFound)?;
        expected.check(current.version)?;
        let mut next = current.clone();
        if let Some(name) = &name {
            name_free(conn, name.as_str(), Some(id))?;
            next.name = name.as_str().to_owned();
        }
        if let Some(scopes) = &scopes {
            next.scopes = scopes.to_stored();
        }
        if let Some(disabled) = input.disabled {
            next.disabled = disabled;
        }
        next.updated_at = time::to_db(now);
        next.version += 1;
        if !store::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::IntegratorUpdate)
            .by(caller)
            .on(Entity::Integrator, id)
            .detail(serde_json::json!({
                "name": [current.name, next.name],
                "scopes": [current.scopes, next.scopes],
                "disabled": [current.disabled, next.disabled],
            }))
            .write(conn, origin)?;
        let keys = working_keys(conn, id, now)?;
        Ok((next, keys))
    })
}

/// Issues a new key; the working ones keep working for the overlap.
pub fn rotate(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    id: &IntegratorId,
    input: &RotateKey,
    minted: (String, String),
    now: DateTime<Utc>,
) -> Result<Issued, AppError> {
    caller.require(Permission::ManageIntegrators)?;
    input.validate()?;
    let overlap = Overlap::hours(input.overlap_hours.unwrap_or(OVERLAP_HOURS))
        .map_err(|e| AppError::invalid("overlap_hours", FieldCode::OutOfRange, e))?;
    super::transaction(conn, |conn| {
        let integrator = store::find(conn, id)?.ok_or(AppError::NotFound)?;
        let working = working_keys(conn, id, now)?;
        if working.len() >= MAX_ACTIVE_KEYS {
            return Err(AppError::conflict(
                ErrorCode::TooManyTokens,
                format!("An integrator may hold {MAX_ACTIVE_KEYS} working keys; revoke one first."),
            ));
        }
        let mut retired = Vec::new();
        for old in &working {
            let end = overlap.retire(old.expires_at.map(time::from_db), now);
            store::expire_key(conn, &old.id, time::to_db(end))?;
            retired.push(serde_json::json!({ "key_id": old.id, "expires_at": end }));
        }
        let (key, secret) = new_key(id, minted, now);
        store::insert_key(conn, &key)?;
        AuditEvent::success(AuditAction::IntegratorKeyCreate)
            .by(caller)
            .on(Entity::IntegratorKey, &key.id)
            .detail(serde_json::json!({ "integrator_id": id, "retired": retired }))
            .write(conn, origin)?;
        Ok(Issued {
            integrator,
            key,
            secret,
        })
    })
}

/// Revokes a key at once. Revoking it again changes nothing (a retried
/// DELETE); a key of another integrator does not exist here.
pub fn revoke_key(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    id: &IntegratorId,
    key_id: &IntegratorKeyId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    caller.require(Permission::ManageIntegrators)?;
    super::transaction(conn, |conn| {
        let (key, _) = store::find_key(conn, key_id)?
            .filter(|(k, _)| &k.integrator_id == id)
            .ok_or(AppError::NotFound)?;
        if !store::revoke_key(conn, id, &key.id, time::to_db(now))? {
            return Ok(());
        }
        AuditEvent::success(AuditAction::IntegratorKeyRevoke)
            .by(caller)
            .on(Entity::IntegratorKey, &key.id)
            .detail(serde_json::json!({ "integrator_id": id }))
            .write(conn, origin)?;
        Ok(())
    })
}

/// An integrator acting through one of its working keys.
#[derive(Debug, Clone)]
pub struct Integrator {
    pub row: IntegratorRow,
    pub key_id: IntegratorKeyId,
    pub scopes: IntegratorScopes,
}

impl Integrator {
    /// 403 `integrator_scope_missing` unless the admin gave it `scope`.
    pub fn require(&self, scope: IntegratorScope) -> Result<(), AppError> {
        if self.scopes.contains(scope) {
            Ok(())
        } else {
            Err(AppError::Refused {
                code: ErrorCode::IntegratorScopeMissing,
                detail: format!("This integrator may not `{scope}`; ask the zone's administrator."),
            })
        }
    }

    /// The integrator as the actor of what it reports, recorded as `source`.
    pub fn acting(&self, source: Source) -> Rider {
        Rider {
            integrator_id: self.row.id.clone(),
            key_id: self.key_id.clone(),
            reads_own_cases: self.scopes.contains(IntegratorScope::ReadOwnCases),
            source,
        }
    }

    pub fn audit(&self, action: AuditAction) -> AuditEvent {
        AuditEvent::success(action).by_integrator(&self.row.id)
    }
}

fn refused(code: ErrorCode, detail: &str) -> AppError {
    AppError::unauthenticated(code, detail)
}

/// The integrator a key and integrator row stand for at `now`, or why not.
fn working(
    key: &KeyRow,
    integrator: IntegratorRow,
    now: DateTime<Utc>,
) -> Result<Integrator, AppError> {
    let invalid = || refused(ErrorCode::InvalidToken, "The integrator key is not valid.");
    match standing(key, now) {
        KeyStanding::Active => {}
        KeyStanding::Expired => {
            return Err(refused(
                ErrorCode::TokenExpired,
                "The integrator key has expired (it was rotated); use the new key.",
            ));
        }
        KeyStanding::Revoked => return Err(invalid()),
    }
    if integrator.disabled {
        return Err(invalid());
    }
    let scopes = IntegratorScopes::parse_stored(&integrator.scopes).map_err(|e| {
        AppError::Internal(format!("integrator {} has bad scopes: {e}", integrator.id))
    })?;
    Ok(Integrator {
        row: integrator,
        key_id: key.id.clone(),
        scopes,
    })
}

/// The integrator a presented key acts for.
pub fn authenticate(
    conn: &mut DbConnection,
    id: &IntegratorKeyId,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Integrator, AppError> {
    let (key, integrator) = store::find_presented(conn, id, &hash(secret))?
        .ok_or_else(|| refused(ErrorCode::InvalidToken, "The integrator key is not valid."))?;
    let integrator = working(&key, integrator, now)?;
    // best effort: a busy database must not refuse an otherwise good request
    if let Err(e) = store::touch_key(
        conn,
        &key.id,
        time::to_db(now),
        chrono::Duration::minutes(1),
    ) {
        tracing::warn!(key_id = %key.id, error = %e, "could not note a key's use");
    }
    Ok(integrator)
}

/// What a rider token exchanged for `key_id` may do now: nothing once the
/// key is revoked or past its end, the integrator disabled, or its scope
/// to report taken away.
pub fn rider(
    conn: &mut DbConnection,
    key_id: &IntegratorKeyId,
    now: DateTime<Utc>,
) -> Result<Rider, AppError> {
    let invalid = || refused(ErrorCode::InvalidToken, "The rider token is not valid.");
    let (key, integrator) = store::find_key(conn, key_id)?.ok_or_else(invalid)?;
    let integrator = working(&key, integrator, now).map_err(|_| invalid())?;
    if !integrator.scopes.contains(IntegratorScope::ReportCases) {
        return Err(invalid());
    }
    Ok(integrator.acting(Source::MobileWorker))
}
