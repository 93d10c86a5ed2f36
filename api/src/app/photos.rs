//! Who may read a photo: its uploader while it waits to be attached, then
//! whoever may see the record that took it up — a case (its reporter only
//! photos on public timeline entries), a visit's enterprise, an inspection
//! a hazard or a policy briefing. Above `attachments` and those records, which all attach
//! photos through `attachments`.

use chrono::{DateTime, Utc};
use gridwork_domain::attachment::OwnerKind;
use gridwork_domain::case::Visibility;
use gridwork_domain::{AttachmentId, BriefingId, HazardId, InspectionId, VisitId};
use gridwork_persistence::attachment::{self, AttachmentRow};
use gridwork_persistence::{DbConnection, case, time};

use super::cases::{self as cases_app, Reach};
use super::{AppError, Scoped, hazards, inspections, policies, visits};

/// A photo the caller may see.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &AttachmentId,
    now: DateTime<Utc>,
) -> Result<AttachmentRow, AppError> {
    let row = attachment::find(conn, id)?.ok_or(AppError::NotFound)?;
    if let (Some(kind), Some(owner)) = (row.owner_type, &row.owner_id) {
        match kind {
            OwnerKind::Visit => {
                visits::find_visible(conn, scoped, &VisitId::from(owner.as_str()))?;
            }
            OwnerKind::Inspection => {
                inspections::find(conn, scoped, &InspectionId::from(owner.as_str()))?;
            }
            OwnerKind::Hazard => {
                hazards::find(conn, scoped, &HazardId::from(owner.as_str()))?;
            }
            OwnerKind::Briefing => {
                policies::find_briefing(conn, scoped, &BriefingId::from(owner.as_str()))?;
            }
        }
        return Ok(row);
    }
    let Some(case_id) = &row.case_id else {
        let mine = scoped.caller.user_id() == Some(&row.uploader_id);
        let live = row.expires_at.is_some_and(|e| e > time::to_db(now));
        return if mine && live {
            Ok(row)
        } else {
            Err(AppError::NotFound)
        };
    };
    let (_, reach) = cases_app::find(conn, scoped, case_id)?;
    if reach == Reach::Reporter {
        let public = match &row.timeline_id {
            Some(entry) => case::timeline_entry(conn, entry)?
                .is_some_and(|e| e.visibility == Visibility::Public),
            None => false,
        };
        if !public {
            return Err(AppError::NotFound);
        }
    }
    Ok(row)
}
