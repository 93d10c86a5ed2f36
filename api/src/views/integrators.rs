//! Integrators, their keys and the riders they enrol, as the API shows them:
//! a key's secret only once, in the answer that made it.

use chrono::{DateTime, Utc};
use gridwork_domain::integrator::{EnrolmentState, IntegratorScope, IntegratorScopes};
use gridwork_domain::person::mask_phone;
use gridwork_persistence::integrator::{EnrolmentRow, IntegratorRow, KeyRow};
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppError;
use crate::app::integrators::Issued;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntegratorKeyView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// When it stops working (set by a rotation); null: no end.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used, to the minute; null if never.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<&KeyRow> for IntegratorKeyView {
    fn from(row: &KeyRow) -> Self {
        IntegratorKeyView {
            id: row.id.to_string(),
            created_at: time::from_db(row.created_at),
            expires_at: row.expires_at.map(time::from_db),
            last_used_at: row.last_used_at.map(time::from_db),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntegratorView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 100, example = "美团配送")]
    pub name: String,
    #[schema(min_items = 1, max_items = 5)]
    pub scopes: Vec<IntegratorScope>,
    /// A disabled integrator's keys and its riders' tokens do not work.
    pub disabled: bool,
    /// The keys that work now (never their secrets); absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 5)]
    pub keys: Option<Vec<IntegratorKeyView>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; the ETag is `"<version>"`.
    pub version: i32,
}

impl IntegratorView {
    pub fn new(row: &IntegratorRow, keys: Option<&[KeyRow]>) -> Result<IntegratorView, AppError> {
        let scopes = IntegratorScopes::parse_stored(&row.scopes).map_err(|e| {
            AppError::Internal(format!("integrator {} has bad scopes: {e}", row.id))
        })?;
        Ok(IntegratorView {
            id: row.id.to_string(),
            name: row.name.clone(),
            scopes: scopes.iter().collect(),
            disabled: row.disabled,
            keys: keys.map(|keys| keys.iter().map(IntegratorKeyView::from).collect()),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        })
    }
}

/// An integrator just registered, with its first key.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedIntegrator {
    #[serde(flatten)]
    pub record: IntegratorView,
    /// The key's secret, shown this once: send it as `Authorization: Bearer
    /// gw_int_…`. Null when the answer is a replay under the same
    /// `Idempotency-Key`: the secret is never stored, so rotate if the
    /// first answer was lost.
    #[schema(value_type = Option<String>, min_length = 71, max_length = 71, pattern = "^gw_int_[A-Za-z0-9_-]{64}$")]
    pub key: Option<String>,
}

/// A key just issued by a rotation.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedIntegratorKey {
    #[serde(flatten)]
    pub record: IntegratorKeyView,
    /// The key's secret, shown this once (null on a replay); the keys it
    /// replaces work until the end of the overlap.
    #[schema(value_type = Option<String>, min_length = 71, max_length = 71, pattern = "^gw_int_[A-Za-z0-9_-]{64}$")]
    pub key: Option<String>,
}

impl CreatedIntegrator {
    pub fn new(issued: &Issued, shown: bool) -> Result<CreatedIntegrator, AppError> {
        Ok(CreatedIntegrator {
            record: IntegratorView::new(
                &issued.integrator,
                Some(std::slice::from_ref(&issued.key)),
            )?,
            key: shown.then(|| issued.secret.clone()),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IntegratorPage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<IntegratorView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// A rider's enrolment. The mobile is in full for the platform that sent
/// it and for those who may manage people; masked otherwise; null once the
/// rider was withdrawn (erased).
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub integrator_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(max_length = 64, example = "mt-rider:00042")]
    pub platform_rider_id: String,
    #[schema(max_length = 50)]
    pub name: String,
    #[schema(max_length = 32)]
    pub mobile: Option<String>,
    /// When the rider consented to the use of their location.
    pub location_consent_at: DateTime<Utc>,
    pub state: EnrolmentState,
    /// Why it was refused.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// What the approval made: the person, the rider's account and the
    /// `mobile_worker` assignment.
    #[schema(format = Uuid, max_length = 36)]
    pub person_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub user_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub assignment_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl EnrolmentView {
    pub fn new(row: &EnrolmentRow, full_phone: bool) -> EnrolmentView {
        let mobile = Some(row.mobile.as_str())
            .filter(|m| !m.is_empty())
            .map(|m| {
                if full_phone {
                    m.to_owned()
                } else {
                    mask_phone(m)
                }
            });
        EnrolmentView {
            id: row.id.to_string(),
            integrator_id: row.integrator_id.to_string(),
            grid_id: row.grid_id.to_string(),
            platform_rider_id: row.platform_rider_id.clone(),
            name: row.name.clone(),
            mobile,
            location_consent_at: time::from_db(row.location_consent_at),
            state: row.state,
            reason: row.reason.clone(),
            decided_at: row.decided_at.map(time::from_db),
            withdrawn_at: row.withdrawn_at.map(time::from_db),
            person_id: row.person_id.as_ref().map(ToString::to_string),
            user_id: row.user_id.as_ref().map(ToString::to_string),
            assignment_id: row.assignment_id.as_ref().map(ToString::to_string),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentPage {
    /// One page: at most `limit` (1–200) items, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<EnrolmentView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// A short-lived token for one approved rider: send it as `Authorization:
/// Bearer …` from the platform's app to report cases, upload their photos
/// and follow the rider's own cases. It stops working at `expires_in`, when
/// the key it came from is revoked or ends, or when the rider is withdrawn.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiderToken {
    /// Null when this answer is a replay under the same `Idempotency-Key`:
    /// tokens are never stored; exchange again for a new one.
    #[schema(max_length = 2000)]
    pub access_token: Option<String>,
    /// Always `Bearer`.
    #[schema(max_length = 6, pattern = "^Bearer$", example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until it expires.
    #[schema(minimum = 1, maximum = 86400, example = 600)]
    pub expires_in: i64,
}
