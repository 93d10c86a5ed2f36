//! Logins: password checks with lockout, rotating refresh tokens, logout.
//! The password hash is verified between `check_login` and `finish_login`,
//! on the hashing pool, outside any database work.

use chrono::{DateTime, Utc};
use gridwork_domain::audit::{AuditAction, Entity, Outcome};
use gridwork_domain::lockout::{Attempt, LockState, LockoutPolicy};
use gridwork_domain::password::PasswordPolicy;
use gridwork_domain::refresh_token::{RedeemError, RefreshToken};
use gridwork_domain::{UserId, Username};
use gridwork_persistence::login_attempt::{self, NewLoginAttempt};
use gridwork_persistence::refresh_token::{self as store, RefreshTokenRow};
use gridwork_persistence::user::{self, UserRow};
use gridwork_persistence::{DbConnection, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, Caller, ErrorCode, FieldCode, Origin};
use crate::auth::refresh as opaque;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256, example = "wangyx")]
    pub username: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024, example = "rain-on-the-workshop")]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub refresh_token: String,
}

/// A new or rotated login: the account and its next refresh token. The
/// access token to go with it is made from `issued_at` and `token_id`, so
/// answering the same rotation twice gives the same pair.
#[derive(Debug)]
pub struct Issued {
    pub user: UserRow,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
    /// The refresh token's row id, the access token's `jti`.
    pub token_id: String,
}

/// How refresh tokens rotate: the successor of a token is derived from it
/// with a server key, so the successor of a token presented twice within
/// `grace` can be handed out again without ever storing a token.
#[derive(Debug, Clone)]
pub struct Rotation {
    pub key: Vec<u8>,
    pub ttl: chrono::Duration,
    pub grace: chrono::Duration,
}

impl Rotation {
    fn successor(&self, token: &str) -> String {
        opaque::derive(&self.key, token)
    }
}

/// A login attempt between its lookup and its password check.
#[derive(Debug)]
pub struct LoginCheck {
    /// The lockout key: the normalised name, whether or not such a user exists.
    key: String,
    pub found: Option<UserRow>,
}

fn invalid_credentials() -> AppError {
    AppError::unauthenticated(ErrorCode::InvalidCredentials, "Wrong username or password.")
}

fn invalid_refresh(code: ErrorCode) -> AppError {
    let detail = match code {
        ErrorCode::RefreshTokenReused => {
            "This refresh token was already used; the login is revoked. Log in again."
        }
        ErrorCode::RefreshTokenExpired => "The login has expired. Log in again.",
        _ => "The refresh token is not valid. Log in again.",
    };
    AppError::unauthenticated(code, detail)
}

/// Looks the username up and applies the lockout: a locked username is
/// refused (and audited) before any password is checked.
pub fn check_login(
    conn: &mut DbConnection,
    origin: &Origin,
    policy: LockoutPolicy,
    input: &LoginRequest,
    now: DateTime<Utc>,
) -> Result<LoginCheck, AppError> {
    input.validate()?;
    let key: String = input
        .username
        .trim()
        .to_lowercase()
        .chars()
        .take(Username::MAX_LEN + 1)
        .collect();
    let found = match Username::parse(&key) {
        Ok(name) => user::find_by_username(conn, name.as_str())?,
        Err(_) => None,
    };
    refuse_if_locked(
        conn,
        origin,
        policy,
        AuditAction::Login,
        &key,
        found.as_ref(),
        now,
    )?;
    Ok(LoginCheck { key, found })
}

/// 429 `account_locked` (audited as a failed `action`) while the username's
/// recent failures lock it.
fn refuse_if_locked(
    conn: &mut DbConnection,
    origin: &Origin,
    policy: LockoutPolicy,
    action: AuditAction,
    key: &str,
    found: Option<&UserRow>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let since = time::to_db(policy.relevant_since(now));
    let attempts: Vec<Attempt> = login_attempt::since(conn, key, since)?
        .into_iter()
        .map(|(at, succeeded)| Attempt {
            at: time::from_db(at),
            succeeded,
        })
        .collect();
    if let LockState::Locked { until } = policy.state(&attempts, now) {
        AuditEvent::new(action, Outcome::Failure)
            .by_user(found.map(|u| &u.id), Some(key))
            .detail(serde_json::json!({ "reason": "locked" }))
            .write(conn, origin)?;
        return Err(AppError::Throttled {
            code: ErrorCode::AccountLocked,
            retry_after_secs: u64::try_from((until - now).num_seconds())
                .unwrap_or(0)
                .max(1),
        });
    }
    Ok(())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password the caller logs in with today.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: String,
    /// Under the password policy, as for a new account (8–128 characters
    /// by default, not a common password, not containing the username), and
    /// not the current one.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub new_password: String,
}

/// Checks a change of the caller's own password before anything is hashed:
/// the new one under the policy, and the login lockout (a wrong current
/// password counts as a failed login, so a stolen access token cannot be
/// used to guess the password).
pub fn check_password_change(
    conn: &mut DbConnection,
    origin: &Origin,
    caller: &Caller,
    lockout: LockoutPolicy,
    policy: &PasswordPolicy,
    input: &PasswordChange,
    now: DateTime<Utc>,
) -> Result<UserRow, AppError> {
    input.validate()?;
    let account = caller.user.clone().ok_or(AppError::Forbidden)?;
    policy
        .check(&input.new_password, &account.username)
        .map_err(|e| AppError::invalid("new_password", FieldCode::WeakPassword, e))?;
    if input.new_password == input.current_password {
        return Err(AppError::invalid(
            "new_password",
            FieldCode::Reused,
            "The new password must differ from the current one.",
        ));
    }
    refuse_if_locked(
        conn,
        origin,
        lockout,
        AuditAction::PasswordChange,
        &account.username,
        Some(&account),
        now,
    )?;
    Ok(account)
}

/// Records a wrong current password as a failed login (it counts towards
/// the lockout) and audits it; commits, then the caller answers
/// [`wrong_current_password`].
pub fn refuse_password_change(
    conn: &mut DbConnection,
    origin: &Origin,
    account: &UserRow,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    super::transaction(conn, |conn| {
        record_attempt(conn, origin, &account.username, false, now)?;
        AuditEvent::new(AuditAction::PasswordChange, Outcome::Failure)
            .by_user(Some(&account.id), Some(&account.username))
            .detail(serde_json::json!({ "reason": "wrong_password" }))
            .write(conn, origin)?;
        Ok(())
    })
}

pub fn wrong_current_password() -> AppError {
    AppError::invalid(
        "current_password",
        FieldCode::WrongPassword,
        "This is not the account's current password.",
    )
}

/// Sets the new password of an account whose current one was right: its
/// other logins end (their access tokens at once) and this device gets a
/// new login.
pub fn change_password(
    conn: &mut DbConnection,
    origin: &Origin,
    account: UserRow,
    new_hash: String,
    ttl: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Issued, AppError> {
    let at = time::to_db(now);
    super::transaction(conn, |conn| {
        record_attempt(conn, origin, &account.username, true, now)?;
        let next = UserRow {
            password_hash: new_hash,
            password_change_required: false,
            token_version: account.token_version + 1,
            updated_at: at,
            version: account.version + 1,
            ..account.clone()
        };
        if !user::update(conn, &next)? {
            return Err(AppError::conflict(
                ErrorCode::ConcurrentChange,
                "The account changed meanwhile; try again.",
            ));
        }
        store::revoke_all_for_user(conn, &next.id, at)?;
        AuditEvent::new(AuditAction::PasswordChange, Outcome::Success)
            .by_user(Some(&next.id), Some(&next.username))
            .on(Entity::User, &next.id)
            .detail(serde_json::json!({ "was_required": account.password_change_required }))
            .write(conn, origin)?;
        let row = issue_refresh(conn, &next.id, &opaque::generate(), None, ttl, now)?;
        Ok(row.issued(next, now))
    })
}

/// A login attempt for the lockout: `key` is the normalised username.
fn record_attempt(
    conn: &mut DbConnection,
    origin: &Origin,
    key: &str,
    succeeded: bool,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    login_attempt::insert(
        conn,
        &NewLoginAttempt {
            id: uuid::Uuid::now_v7().to_string(),
            username: key,
            attempted_at: time::to_db(now),
            succeeded,
            client_ip: origin.client_ip.as_deref(),
        },
    )
}

/// Records the attempt and, when the password was right and the account is
/// enabled, starts a login.
pub fn finish_login(
    conn: &mut DbConnection,
    origin: &Origin,
    check: LoginCheck,
    password_ok: bool,
    ttl: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Issued, AppError> {
    let LoginCheck { key, found } = check;
    let reason = match &found {
        None => Some("unknown_user"),
        Some(_) if !password_ok => Some("wrong_password"),
        Some(u) if u.disabled => Some("disabled"),
        Some(_) => None,
    };
    let issued = super::transaction(conn, |conn| {
        record_attempt(conn, origin, &key, reason.is_none(), now)?;
        let event = match reason {
            Some(reason) => AuditEvent::new(AuditAction::Login, Outcome::Failure)
                .detail(serde_json::json!({ "reason": reason })),
            None => AuditEvent::new(AuditAction::Login, Outcome::Success),
        };
        event
            .by_user(found.as_ref().map(|u| &u.id), Some(&key))
            .write(conn, origin)?;
        match (reason, found) {
            (None, Some(user)) => {
                let row = issue_refresh(conn, &user.id, &opaque::generate(), None, ttl, now)?;
                Ok(Some(row.issued(user, now)))
            }
            _ => Ok(None),
        }
    })?;
    issued.ok_or_else(invalid_credentials)
}

/// A refresh token just stored, and its secret.
struct NewRefresh {
    token: String,
    row: RefreshTokenRow,
}

impl NewRefresh {
    fn issued(self, user: UserRow, at: DateTime<Utc>) -> Issued {
        Issued {
            user,
            refresh_expires_at: time::from_db(self.row.expires_at),
            refresh_token: self.token,
            issued_at: at,
            token_id: self.row.id,
        }
    }
}

/// Stores `token` as a refresh token in `family` (a new login when none is
/// given: its own family, expiring after `ttl`).
fn issue_refresh(
    conn: &mut DbConnection,
    user_id: &UserId,
    token: &str,
    family: Option<(&str, DateTime<Utc>)>,
    ttl: chrono::Duration,
    now: DateTime<Utc>,
) -> diesel::QueryResult<NewRefresh> {
    let id = uuid::Uuid::now_v7().to_string();
    let (family_id, expires_at) =
        family.map_or((id.clone(), now + ttl), |(f, e)| (f.to_owned(), e));
    let row = RefreshTokenRow {
        id,
        family_id,
        user_id: user_id.clone(),
        token_hash: opaque::hash(token),
        created_at: time::to_db(now),
        expires_at: time::to_db(expires_at),
        used_at: None,
        revoked_at: None,
    };
    store::insert(conn, &row)?;
    Ok(NewRefresh {
        token: token.to_owned(),
        row,
    })
}

/// Exchanges a refresh token for the next one of its login. Each works
/// once: presenting a used one again revokes the whole login (someone copied
/// it) — unless it comes within `grace` of its rotation and its successor is
/// still unused, which is a client whose answer was lost: it gets the same
/// new pair again.
pub fn refresh(
    conn: &mut DbConnection,
    origin: &Origin,
    input: &RefreshRequest,
    rotation: &Rotation,
    now: DateTime<Utc>,
) -> Result<Issued, AppError> {
    input.validate()?;
    let presented = input.refresh_token.as_str();
    let hash = opaque::hash(presented);
    let successor = rotation.successor(presented);
    // a rejection still commits what it revoked and audited
    let outcome = super::transaction(conn, |conn| {
        let Some(row) = store::find_by_hash(conn, &hash)? else {
            return Ok(Err(ErrorCode::InvalidRefreshToken));
        };
        let token = RefreshToken::from_columns(
            row.used_at.map(time::from_db),
            row.revoked_at.map(time::from_db),
            time::from_db(row.expires_at),
        );
        let redeemed = match token.redeem(now) {
            // a lost race with a concurrent refresh is a use too
            Ok(()) if !store::mark_used(conn, &row.id, time::to_db(now))? => {
                Err(RedeemError::Replayed)
            }
            other => other,
        };
        match redeemed {
            Err(RedeemError::Replayed) => {
                if let Some(again) = answer_again(conn, &row, &successor, rotation, now)? {
                    return Ok(Ok(again));
                }
                store::revoke_family(conn, &row.family_id, time::to_db(now))?;
                AuditEvent::new(AuditAction::Refresh, Outcome::Failure)
                    .by_user(Some(&row.user_id), None)
                    .on(Entity::Login, &row.family_id)
                    .detail(serde_json::json!({ "reason": "refresh_token_reused", "family_revoked": true }))
                    .write(conn, origin)?;
                return Ok(Err(ErrorCode::RefreshTokenReused));
            }
            Err(RedeemError::Expired) => return Ok(Err(ErrorCode::RefreshTokenExpired)),
            Err(RedeemError::Revoked) => return Ok(Err(ErrorCode::InvalidRefreshToken)),
            Ok(()) => {}
        }
        let Some(user) = enabled_user(conn, &row)? else {
            return Ok(Err(ErrorCode::InvalidRefreshToken));
        };
        let family = Some((row.family_id.as_str(), time::from_db(row.expires_at)));
        let next = issue_refresh(conn, &user.id, &successor, family, rotation.ttl, now)?;
        Ok(Ok(next.issued(user, now)))
    })?;
    outcome.map_err(invalid_refresh)
}

/// The account of a login, if still enabled; a disabled one ends the login.
fn enabled_user(
    conn: &mut DbConnection,
    row: &RefreshTokenRow,
) -> Result<Option<UserRow>, AppError> {
    match user::find(conn, &row.user_id)? {
        Some(user) if !user.disabled => Ok(Some(user)),
        _ => {
            store::revoke_family(conn, &row.family_id, time::to_db(time::now()))?;
            Ok(None)
        }
    }
}

/// The pair answered when `row` was rotated, if it was rotated within the
/// grace window and its successor is still unused and unrevoked.
fn answer_again(
    conn: &mut DbConnection,
    row: &RefreshTokenRow,
    successor: &str,
    rotation: &Rotation,
    now: DateTime<Utc>,
) -> Result<Option<Issued>, AppError> {
    let Some(used_at) = row.used_at.map(time::from_db) else {
        return Ok(None);
    };
    if row.revoked_at.is_some() || now - used_at > rotation.grace {
        return Ok(None);
    }
    let Some(next) = store::find_by_hash(conn, &opaque::hash(successor))? else {
        return Ok(None);
    };
    if next.used_at.is_some() || next.revoked_at.is_some() || next.family_id != row.family_id {
        return Ok(None);
    }
    let Some(user) = enabled_user(conn, row)? else {
        return Ok(None);
    };
    let issued_at = time::from_db(next.created_at);
    Ok(Some(
        NewRefresh {
            token: successor.to_owned(),
            row: next,
        }
        .issued(user, issued_at),
    ))
}

/// Revokes the login the refresh token belongs to; unknown or revoked tokens
/// change nothing.
pub fn logout(
    conn: &mut DbConnection,
    origin: &Origin,
    input: &RefreshRequest,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    input.validate()?;
    let hash = opaque::hash(&input.refresh_token);
    super::transaction(conn, |conn| {
        if let Some(row) = store::find_by_hash(conn, &hash)?
            && row.revoked_at.is_none()
        {
            store::revoke_family(conn, &row.family_id, time::to_db(now))?;
            AuditEvent::new(AuditAction::Logout, Outcome::Success)
                .by_user(Some(&row.user_id), None)
                .on(Entity::Login, &row.family_id)
                .write(conn, origin)?;
        }
        Ok(())
    })
}
