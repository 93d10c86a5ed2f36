//! Photos: who uploaded them, what they are, and the case they belong to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::attachment::{ImageType, OwnerKind};
use gridwork_domain::{AttachmentId, CaseId, UserId};

use crate::connection::DbConnection;
use crate::schema::attachments;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AttachmentRow {
    pub id: AttachmentId,
    pub uploader_id: UserId,
    pub content_type: ImageType,
    pub size_bytes: i32,
    pub sha256: String,
    pub case_id: Option<CaseId>,
    pub timeline_id: Option<String>,
    pub created_at: NaiveDateTime,
    /// Set while unattached.
    pub expires_at: Option<NaiveDateTime>,
    /// A record other than a case the photo belongs to (`OwnerKind`).
    pub owner_type: Option<OwnerKind>,
    pub owner_id: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &AttachmentRow) -> QueryResult<()> {
    diesel::insert_into(attachments::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &AttachmentId) -> QueryResult<Option<AttachmentRow>> {
    attachments::table
        .find(id)
        .select(AttachmentRow::as_select())
        .first(conn)
        .optional()
}

/// The uploader's unattached, unexpired upload of these bytes, if any: a
/// retried upload answers it.
pub fn pending_copy(
    conn: &mut DbConnection,
    uploader: &UserId,
    sha256: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<AttachmentRow>> {
    attachments::table
        .filter(attachments::uploader_id.eq(uploader))
        .filter(attachments::sha256.eq(sha256))
        .filter(attachments::case_id.is_null())
        .filter(attachments::owner_id.is_null())
        .filter(attachments::expires_at.gt(now))
        .select(AttachmentRow::as_select())
        .first(conn)
        .optional()
}

/// Ties unattached uploads to a case and its timeline entry, and ends
/// their expiry; false unless every one of them was still unattached.
pub fn attach(
    conn: &mut DbConnection,
    ids: &[AttachmentId],
    case: &CaseId,
    timeline: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        attachments::table
            .filter(attachments::id.eq_any(ids))
            .filter(attachments::case_id.is_null())
            .filter(attachments::owner_id.is_null()),
    )
    .set((
        attachments::case_id.eq(case),
        attachments::timeline_id.eq(timeline),
        attachments::expires_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == ids.len())
}

/// Ties unattached uploads to a record other than a case, and ends their
/// expiry; false unless every one of them was still unattached.
pub fn attach_to_owner(
    conn: &mut DbConnection,
    ids: &[AttachmentId],
    kind: OwnerKind,
    owner: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        attachments::table
            .filter(attachments::id.eq_any(ids))
            .filter(attachments::case_id.is_null())
            .filter(attachments::owner_id.is_null()),
    )
    .set((
        attachments::owner_type.eq(kind),
        attachments::owner_id.eq(owner),
        attachments::expires_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == ids.len())
}

/// Unattached uploads past their expiry, oldest first.
pub fn expired(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<AttachmentRow>> {
    attachments::table
        .filter(attachments::case_id.is_null())
        .filter(attachments::owner_id.is_null())
        .filter(attachments::expires_at.le(now))
        .order(attachments::expires_at.asc())
        .limit(limit)
        .select(AttachmentRow::as_select())
        .load(conn)
}

/// Deletes an upload that is still unattached and expired; false if it was
/// attached (or deleted) meanwhile.
pub fn delete_expired(
    conn: &mut DbConnection,
    id: &AttachmentId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::delete(
        attachments::table
            .filter(attachments::id.eq(id))
            .filter(attachments::case_id.is_null())
            .filter(attachments::owner_id.is_null())
            .filter(attachments::expires_at.le(now)),
    )
    .execute(conn)?;
    Ok(n == 1)
}
