//! Personal access tokens as their owner sees them: never the secret, except
//! once, in the answer that created it.

use chrono::{DateTime, Utc};
use gridwork_domain::{Role, Roles};
use gridwork_persistence::access_token::AccessTokenRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppError;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessTokenView {
    #[schema(format = Uuid, max_length = 36, example = "0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a")]
    pub id: String,
    #[schema(max_length = 100, example = "nightly export")]
    pub name: String,
    /// The roles the token is limited to; null: all of the owner's. Either
    /// way it acts only with roles the owner still holds.
    #[schema(max_items = 11)]
    pub roles: Option<Vec<Role>>,
    pub created_at: DateTime<Utc>,
    /// It stops working at this moment.
    pub expires_at: DateTime<Utc>,
    /// When it was last used, to the minute; null if never.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl TryFrom<&AccessTokenRow> for AccessTokenView {
    type Error = AppError;

    fn try_from(row: &AccessTokenRow) -> Result<AccessTokenView, AppError> {
        let roles = row
            .roles
            .as_deref()
            .map(Roles::parse_stored)
            .transpose()
            .map_err(|e| AppError::Internal(format!("token {} has bad roles: {e}", row.id)))?;
        Ok(AccessTokenView {
            id: row.id.to_string(),
            name: row.name.clone(),
            roles: roles.map(|r| r.iter().collect()),
            created_at: time::from_db(row.created_at),
            expires_at: time::from_db(row.expires_at),
            last_used_at: row.last_used_at.map(time::from_db),
        })
    }
}

/// A token just made.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAccessToken {
    #[serde(flatten)]
    pub record: AccessTokenView,
    /// The secret, shown this once: send it as `Authorization: Bearer
    /// gw_pat_…`. Null when this answer is a replay under the same
    /// `Idempotency-Key`: the secret is never stored, so revoke the token
    /// and make another if the first answer was lost.
    #[schema(
        min_length = 71,
        max_length = 71,
        pattern = "^gw_pat_[A-Za-z0-9_-]{64}$"
    )]
    pub token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessTokenPage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<AccessTokenView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
