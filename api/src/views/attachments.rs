//! A photo as the API shows it (its bytes are read at its own URL).

use chrono::{DateTime, Utc};
use gridwork_domain::attachment::ImageType;
use gridwork_persistence::attachment::AttachmentRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// Sniffed from the bytes, whatever the upload claimed.
    pub content_type: ImageType,
    /// Of the stored photo, after its metadata was removed.
    #[schema(minimum = 1, maximum = 104_857_600)]
    pub size_bytes: i32,
    /// SHA-256 of the stored photo, hex; also its ETag.
    #[schema(min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
    /// The case it belongs to; null while it waits to be attached.
    #[schema(format = Uuid, max_length = 36)]
    pub case_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When an unattached upload is removed; null once attached.
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<&AttachmentRow> for AttachmentView {
    fn from(row: &AttachmentRow) -> AttachmentView {
        AttachmentView {
            id: row.id.to_string(),
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256.clone(),
            case_id: row.case_id.as_ref().map(ToString::to_string),
            created_at: time::from_db(row.created_at),
            expires_at: row.expires_at.map(time::from_db),
        }
    }
}

/// The attachment ids a row keeps comma-separated.
pub fn ids(joined: &str) -> Vec<String> {
    joined
        .split(',')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}
