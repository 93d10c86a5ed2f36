//! Visits to enterprises (走访): recorded in the field, offline too (the
//! device's UUIDv7: the same visit sent again answers the first, other
//! content under its id is refused), with findings, photos and a point;
//! each moves the enterprise's `last_verified_at`.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use gridwork_domain::attachment::OwnerKind;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::visit::{self, VisitPurpose};
use gridwork_domain::{AttachmentId, EnterpriseId, Permission, VisitId};
use gridwork_persistence::visit::{self as store, VisitRow, Visited};
use gridwork_persistence::{DbConnection, enterprise, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::attachments::{self, AttachmentRef};
use super::{AppError, AuditEvent, ErrorCode, FieldCode, Origin, Scoped, enterprises};

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVisit {
    /// A UUIDv7 made on the device, for visits recorded offline: sending
    /// the same visit again answers it with 200; other content under the
    /// same id answers 409 `visit_exists`.
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub id: Option<uuid::Uuid>,
    /// When the visit took place: not in the future (5 minutes of clock
    /// difference allowed), at most a year ago.
    #[serde(deserialize_with = "crate::app::input::time_text::deserialize")]
    pub visited_at: DateTime<Utc>,
    pub purpose: VisitPurpose,
    /// What was found: 1–4000 characters, not blank.
    #[validate(length(min = 1, max = 4000))]
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = "\\S",
        example = "消防通道畅通，灭火器在有效期内；新增临时工12人"
    )]
    pub findings: String,
    /// Where the visit was recorded (WGS 84), with `lng`.
    #[validate(range(min = -90.0, max = 90.0))]
    #[schema(minimum = -90.0, maximum = 90.0, example = 33.79)]
    pub lat: Option<f64>,
    #[validate(range(min = -180.0, max = 180.0))]
    #[schema(minimum = -180.0, maximum = 180.0, example = 114.52)]
    pub lng: Option<f64>,
    /// Photos uploaded beforehand, at most 10.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<AttachmentRef>, max_items = 10)]
    pub attachments: Vec<AttachmentId>,
}

/// A visit recorded, and whether this request made it (false: a resend).
#[derive(Debug)]
pub struct Recorded {
    pub visit: Visited,
    pub created: bool,
}

fn fingerprint(enterprise: &EnterpriseId, input: &CreateVisit) -> Result<String, AppError> {
    let content = serde_json::json!({ "enterprise_id": enterprise, "visit": CreateVisit { id: None, ..input.clone() } });
    let bytes = serde_json::to_vec(&content).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::auth::sha256_hex(bytes))
}

fn visitor_name(scoped: &Scoped) -> Option<String> {
    let user = scoped.caller.user.as_ref()?;
    Some(
        user.display_name
            .clone()
            .unwrap_or_else(|| user.username.clone()),
    )
}

/// Records a visit to an enterprise in the caller's grids.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    enterprise_id: &EnterpriseId,
    input: &CreateVisit,
    now: DateTime<Utc>,
) -> Result<Recorded, AppError> {
    let firm = enterprises::find_visible(conn, scoped, enterprise_id)?;
    scoped.require(Permission::RecordVisits)?;
    let visitor = scoped.caller.user_id().ok_or(AppError::Forbidden)?.clone();
    input.validate()?;
    if input.findings.trim().is_empty() {
        return Err(AppError::invalid(
            "findings",
            FieldCode::Required,
            "must not be blank",
        ));
    }
    if input.lat.is_some() != input.lng.is_some() {
        return Err(AppError::invalid(
            "lat",
            FieldCode::IncompleteLocation,
            "give both lat and lng, or neither",
        ));
    }
    let visited_at = input.visited_at.trunc_subsecs(6);
    visit::check_time(visited_at, now)
        .map_err(|e| AppError::invalid("visited_at", FieldCode::OutOfRange, e))?;
    let id = super::input::client_id(input.id, VisitId::generate)?;
    let fingerprint = fingerprint(enterprise_id, input)?;
    super::transaction(conn, |conn| {
        let same = |v: &VisitRow| v.fingerprint == fingerprint && v.enterprise_id == firm.id;
        let stored = store::find(conn, &id)?;
        if let Some(row) = super::input::resent(stored, same, ErrorCode::VisitExists, "visit")? {
            let visitor_name = (row.visitor_id == visitor)
                .then(|| visitor_name(scoped))
                .flatten();
            return Ok(Recorded {
                visit: Visited { row, visitor_name },
                created: false,
            });
        }
        attachments::check(conn, scoped, "attachments", &input.attachments, now)?;
        let row = VisitRow {
            id: id.clone(),
            enterprise_id: firm.id.clone(),
            visitor_id: visitor.clone(),
            visited_at: time::to_db(visited_at),
            purpose: input.purpose,
            findings: input.findings.trim().to_owned(),
            lat: input.lat,
            lng: input.lng,
            attachments: attachments::joined(&input.attachments),
            fingerprint,
            created_at: time::to_db(now),
        };
        store::insert(conn, &row)?;
        attachments::attach_to(conn, &input.attachments, OwnerKind::Visit, row.id.as_str())?;
        enterprise::verified(conn, &firm.id, row.visited_at)?;
        AuditEvent::success(AuditAction::VisitRecord)
            .by(&scoped.caller)
            .on(Entity::Visit, &row.id)
            .detail(serde_json::json!({ "enterprise_id": firm.id, "purpose": row.purpose, "visited_at": visited_at }))
            .event(
                EventType::EnterpriseVisited,
                serde_json::json!({ "enterprise_id": firm.id, "visit_id": row.id, "purpose": row.purpose, "grid_id": firm.grid_id }),
            )
            .write(conn, origin)?;
        Ok(Recorded {
            visit: Visited {
                row,
                visitor_name: visitor_name(scoped),
            },
            created: true,
        })
    })
}

/// One keyset page of an enterprise's visits, latest first; `after` is the
/// previous page's last `(visited_at, id)`.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    enterprise_id: &EnterpriseId,
    after: Option<(NaiveDateTime, String)>,
    fetch: i64,
) -> Result<Vec<Visited>, AppError> {
    enterprises::find_visible(conn, scoped, enterprise_id)?;
    Ok(store::page(conn, enterprise_id, after, fetch)?)
}

/// The enterprise a visit belongs to, if the caller may see it (for its photos).
pub fn find_visible(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &VisitId,
) -> Result<VisitRow, AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    enterprises::find_visible(conn, scoped, &row.enterprise_id)?;
    Ok(row)
}
