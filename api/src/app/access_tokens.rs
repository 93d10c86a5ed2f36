//! Personal access tokens: an account holder makes, lists and revokes their
//! own; each request made with one is resolved here to the account and the
//! roles the token may use today. Tokens are managed only from a login, not
//! with another token, so a leaked token cannot make itself a successor.

use chrono::{DateTime, Utc};
use gridwork_domain::access_token::{self as rules, Lifetime, Standing, TokenName};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::{AccessTokenId, Role, Roles};
use gridwork_persistence::access_token::{self as store, AccessTokenRow};
use gridwork_persistence::{DbConnection, time, user};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, Caller, ErrorCode, FieldCode, FieldError, Origin};
use crate::auth::refresh::hash;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccessToken {
    /// What you call it, to tell your tokens apart (trimmed).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "nightly export")]
    pub name: String,
    /// Days until it stops working, at most a year.
    #[validate(range(min = 1, max = 365))]
    #[schema(minimum = 1, maximum = 365, example = 90)]
    pub expires_in_days: i64,
    /// Limit the token to these of your roles. Absent: all of your roles.
    /// Either way a role taken from you is taken from the token at once.
    #[validate(length(min = 1, max = 11))]
    #[schema(value_type = Option<Vec<Role>>, min_items = 1, max_items = 11, example = json!(["auditor"]))]
    pub roles: Option<Vec<String>>,
}

/// A token just made, with the secret to show once.
#[derive(Debug)]
pub struct Created {
    pub row: AccessTokenRow,
    pub secret: String,
}

/// The account holder behind a login (not a token), or Forbidden.
fn holder(caller: &Caller) -> Result<&user::UserRow, AppError> {
    match (&caller.user, &caller.token) {
        (Some(user), None) => Ok(user),
        _ => Err(AppError::Forbidden),
    }
}

fn check(
    input: &CreateAccessToken,
    owner: &Roles,
) -> Result<(TokenName, Lifetime, Option<Roles>), AppError> {
    input.validate()?;
    let mut errors = Vec::new();
    let name = TokenName::parse(&input.name)
        .map_err(|e| errors.push(FieldError::new("name", FieldCode::Invalid, e)))
        .ok();
    let lifetime = Lifetime::days(input.expires_in_days)
        .map_err(|e| errors.push(FieldError::new("expires_in_days", FieldCode::OutOfRange, e)))
        .ok();
    let asked = input
        .roles
        .as_ref()
        .map(|codes| {
            codes
                .iter()
                .map(|c| Role::parse_code(c))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .map_err(|e| errors.push(FieldError::new("roles", FieldCode::UnknownRole, e)))
        .ok()
        .flatten();
    let roles = match rules::narrow(owner, asked.as_deref()) {
        Ok(roles) => roles,
        Err(e) => {
            if asked.is_some() {
                errors.push(FieldError::new("roles", FieldCode::NotHeld, e));
            }
            None
        }
    };
    match (name, lifetime) {
        (Some(name), Some(lifetime)) if errors.is_empty() => Ok((name, lifetime, roles)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Makes a token for the caller's own account. `mint` supplies the id and
/// the secret; only the secret's hash is stored.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    input: &CreateAccessToken,
    minted: (String, String),
    now: DateTime<Utc>,
) -> Result<Created, AppError> {
    let owner = holder(caller)?;
    let (name, lifetime, roles) = check(input, &caller.roles)?;
    let (id, secret) = minted;
    super::transaction(conn, |conn| {
        let active = store::count_active(conn, &owner.id, time::to_db(now))?;
        if usize::try_from(active).unwrap_or(usize::MAX) >= rules::MAX_ACTIVE {
            return Err(AppError::conflict(
                ErrorCode::TooManyTokens,
                format!(
                    "An account may hold {} working tokens; revoke one first.",
                    rules::MAX_ACTIVE
                ),
            ));
        }
        let row = AccessTokenRow {
            id: AccessTokenId::from(id.as_str()),
            user_id: owner.id.clone(),
            name: name.as_str().to_owned(),
            token_hash: hash(&secret),
            roles: roles.as_ref().map(Roles::to_stored),
            created_at: time::to_db(now),
            expires_at: time::to_db(lifetime.ends(now)),
            last_used_at: None,
            revoked_at: None,
        };
        store::insert(conn, &row)?;
        AuditEvent::success(AuditAction::TokenCreate)
            .by(caller)
            .on(Entity::AccessToken, &row.id)
            .detail(serde_json::json!({
                "name": row.name,
                "roles": row.roles,
                "expires_at": time::from_db(row.expires_at),
            }))
            .write(conn, origin)?;
        Ok(Created { row, secret })
    })
}

/// One page of the caller's own tokens.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<AccessTokenRow>, AppError> {
    let owner = holder(caller)?;
    Ok(store::page_owned(conn, &owner.id, after, limit)?)
}

/// One of the caller's own tokens, unless revoked; anyone else's does not exist.
pub fn get(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &AccessTokenId,
) -> Result<AccessTokenRow, AppError> {
    let owner = holder(caller)?;
    store::find_owned(conn, &owner.id, id)?
        .filter(|row| row.revoked_at.is_none())
        .ok_or(AppError::NotFound)
}

/// Revokes one of the caller's own tokens; it stops working at once.
/// Revoking it again changes nothing, so a retried DELETE succeeds too.
pub fn revoke(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    id: &AccessTokenId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let owner = holder(caller)?;
    super::transaction(conn, |conn| {
        let row = store::find_owned(conn, &owner.id, id)?.ok_or(AppError::NotFound)?;
        if !store::revoke(conn, &row.id, time::to_db(now))? {
            return Ok(());
        }
        AuditEvent::success(AuditAction::TokenRevoke)
            .by(caller)
            .on(Entity::AccessToken, &row.id)
            .detail(serde_json::json!({ "name": row.name }))
            .write(conn, origin)?;
        Ok(())
    })
}

fn refused(code: ErrorCode, detail: &str) -> AppError {
    AppError::unauthenticated(code, detail)
}

/// The caller a presented token acts as: its owner, enabled, with the
/// token's share of the owner's roles as they are now.
pub fn authenticate(
    conn: &mut DbConnection,
    id: &AccessTokenId,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Caller, AppError> {
    let invalid = || {
        refused(
            ErrorCode::InvalidToken,
            "The personal access token is not valid.",
        )
    };
    let row = store::find_presented(conn, id, &hash(secret))?.ok_or_else(invalid)?;
    match Standing::at(
        time::from_db(row.expires_at),
        row.revoked_at.map(time::from_db),
        now,
    ) {
        Standing::Active => {}
        Standing::Expired => {
            return Err(refused(
                ErrorCode::TokenExpired,
                "The personal access token has expired; make a new one.",
            ));
        }
        Standing::Revoked => return Err(invalid()),
    }
    let owner = user::find(conn, &row.user_id)?
        .filter(|u| !u.disabled)
        .ok_or_else(invalid)?;
    let held = Roles::parse_stored(&owner.roles)
        .map_err(|e| AppError::Internal(format!("user {} has bad roles: {e}", owner.id)))?;
    let limit = row
        .roles
        .as_deref()
        .map(Roles::parse_stored)
        .transpose()
        .map_err(|e| AppError::Internal(format!("token {} has bad roles: {e}", row.id)))?;
    let roles = rules::effective(limit.as_ref(), &held).ok_or_else(|| {
        refused(
            ErrorCode::InvalidToken,
            "The account no longer holds any of this token's roles.",
        )
    })?;
    // best effort: a busy database must not refuse an otherwise good request
    if let Err(e) = store::touch(
        conn,
        &row.id,
        time::to_db(now),
        chrono::Duration::minutes(1),
    ) {
        tracing::warn!(token_id = %row.id, error = %e, "could not note a token's use");
    }
    Ok(Caller {
        roles,
        user: Some(owner),
        token: Some(row.id),
        rider: None,
    })
}
