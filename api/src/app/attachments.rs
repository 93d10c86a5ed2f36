//! Photos: recorded once their bytes are stored, their uploader's until a
//! case, a visit, an inspection or a hazard takes them up. Who may then read
//! one is `photos`' to say, above the records photos belong to.

use chrono::{DateTime, Utc};
use gridwork_domain::attachment::{ImageType, OwnerKind};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::{AttachmentId, Permission};
use gridwork_persistence::attachment::{self, AttachmentRow};
use gridwork_persistence::case::CaseRow;
use gridwork_persistence::{DbConnection, time};

use super::{AppError, AuditEvent, FieldCode, FieldError, Origin, Scoped};

/// The most photos one report or step carries.
pub const MAX_PER_STEP: usize = 10;

/// An attachment id in a request, for the API document.
pub struct AttachmentRef;

impl utoipa::PartialSchema for AttachmentRef {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An upload of yours (`POST /api/v1/attachments`) not yet attached",
            ))
            .min_length(Some(1))
            .max_length(Some(64))
            .pattern(Some("^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"))
            .into()
    }
}

impl utoipa::ToSchema for AttachmentRef {}

/// Bytes stored and about to be recorded.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: AttachmentId,
    pub kind: ImageType,
    pub size: usize,
    pub sha256: String,
}

/// Who may upload at all: checked before the body is read.
pub fn may_upload(scoped: &Scoped) -> Result<(), AppError> {
    scoped.require(Permission::UploadPhotos)?;
    scoped.caller.user_id().ok_or(AppError::Forbidden)?;
    Ok(())
}

/// The caller's pending upload of the same bytes: a retried upload answers
/// it rather than storing the photo twice.
pub fn pending_copy(
    conn: &mut DbConnection,
    scoped: &Scoped,
    sha256: &str,
    now: DateTime<Utc>,
) -> Result<Option<AttachmentRow>, AppError> {
    let me = scoped.caller.user_id().ok_or(AppError::Forbidden)?;
    Ok(attachment::pending_copy(
        conn,
        me,
        sha256,
        time::to_db(now),
    )?)
}

/// Records stored bytes as the caller's pending upload.
pub fn record(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    stored: &Stored,
    ttl: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<AttachmentRow, AppError> {
    may_upload(scoped)?;
    let me = scoped.caller.user_id().ok_or(AppError::Forbidden)?;
    let row = AttachmentRow {
        id: stored.id.clone(),
        uploader_id: me.clone(),
        content_type: stored.kind,
        size_bytes: i32::try_from(stored.size).map_err(|e| AppError::Internal(e.to_string()))?,
        sha256: stored.sha256.clone(),
        case_id: None,
        timeline_id: None,
        created_at: time::to_db(now),
        expires_at: Some(time::to_db(now + ttl)),
        owner_type: None,
        owner_id: None,
    };
    super::transaction(conn, |conn| {
        attachment::insert(conn, &row)?;
        AuditEvent::success(AuditAction::AttachmentUpload)
            .by(&scoped.caller)
            .on(Entity::Attachment, &row.id)
            .detail(serde_json::json!({
                "content_type": row.content_type,
                "size_bytes": row.size_bytes,
                "sha256": row.sha256,
            }))
            .write(conn, origin)?;
        Ok(row)
    })
}

/// Checks that `ids` name distinct pending uploads of the caller, to be
/// attached to a step; refusals name `field[i]`.
pub fn check(
    conn: &mut DbConnection,
    scoped: &Scoped,
    field: &str,
    ids: &[AttachmentId],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if ids.len() > MAX_PER_STEP {
        return Err(AppError::invalid(
            field,
            FieldCode::TooLong,
            format!("at most {MAX_PER_STEP} photos"),
        ));
    }
    let me = scoped.caller.user_id();
    let at = time::to_db(now);
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let name = format!("{field}[{i}]");
        if ids[..i].contains(id) {
            errors.push(FieldError::new(&name, FieldCode::Invalid, "listed twice"));
            continue;
        }
        let usable = attachment::find(conn, id)?.is_some_and(|a| {
            Some(&a.uploader_id) == me
                && a.case_id.is_none()
                && a.owner_id.is_none()
                && a.expires_at.is_some_and(|e| e > at)
        });
        if !usable {
            errors.push(FieldError::new(
                &name,
                FieldCode::NotFound,
                "no upload of yours waiting to be attached (upload with POST /api/v1/attachments)",
            ));
        }
    }
    AppError::check(errors)
}

/// Attaches checked uploads to `case` and its timeline entry.
pub fn attach(
    conn: &mut DbConnection,
    ids: &[AttachmentId],
    case: &CaseRow,
    entry: &str,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    if !attachment::attach(conn, ids, &case.id, entry)? {
        // taken up by another request between the check and now
        return Err(AppError::invalid(
            "attachments",
            FieldCode::NotFound,
            "an upload was attached elsewhere meanwhile",
        ));
    }
    Ok(())
}

/// Attaches checked uploads to a record other than a case.
pub fn attach_to(
    conn: &mut DbConnection,
    ids: &[AttachmentId],
    kind: OwnerKind,
    owner: &str,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    if !attachment::attach_to_owner(conn, ids, kind, owner)? {
        return Err(AppError::invalid(
            "attachments",
            FieldCode::NotFound,
            "an upload was attached elsewhere meanwhile",
        ));
    }
    Ok(())
}

/// The comma-separated form rows keep.
pub fn joined(ids: &[AttachmentId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Pending uploads past their expiry, to remove from the store and here.
pub fn expired(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<AttachmentId>, AppError> {
    Ok(attachment::expired(conn, time::to_db(now), 500)?
        .into_iter()
        .map(|a| a.id)
        .collect())
}

/// Forgets an expired upload; false if a case took it up meanwhile.
pub fn forget(
    conn: &mut DbConnection,
    id: &AttachmentId,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(attachment::delete_expired(conn, id, time::to_db(now))?)
}
