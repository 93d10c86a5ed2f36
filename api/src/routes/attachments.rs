//! Photos: upload (raw body or multipart), read.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use gridwork_domain::AttachmentId;
use gridwork_domain::attachment::{self, ImageError};
use gridwork_persistence::time;
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};

use crate::app;
use crate::app::attachments::{self as photos, Stored};
use crate::app::{AppError, ErrorCode, Origin, Scoped};
use crate::http::body::{MULTIPART_SLACK, UploadLimit, read_limited};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::problems as doc;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::attachments::AttachmentView;

/// A photo's bytes, for the API document.
pub struct PhotoBytes;

impl utoipa::PartialSchema for PhotoBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .max_length(usize::try_from(crate::config::ATTACHMENT_MAX_BYTES_CEILING).ok())
            .description(Some(
                "The image's bytes: at most `GRIDWORK_ATTACHMENT_MAX_BYTES` (10 MiB by default; never more than 100 MiB)",
            ))
            .into()
    }
}

impl utoipa::ToSchema for PhotoBytes {}

/// A multipart upload: the photo in the part named `file`.
pub struct PhotoForm;

impl utoipa::PartialSchema for PhotoForm {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("file", PhotoBytes::schema())
            .required("file")
            .into()
    }
}

impl utoipa::ToSchema for PhotoForm {}

/// The media type to send bytes of type `actual` as: `application/octet-stream`
/// when the client asks for that and not for `actual` (clients generated
/// from the spec take bytes so), else `actual`.
pub fn bytes_type<'a>(req: &HttpRequest, actual: &'a str) -> &'a str {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if accept.contains("application/octet-stream") && !accept.contains(actual) {
        "application/octet-stream"
    } else {
        actual
    }
}

fn refused(e: ImageError) -> ApiError {
    ApiError::NotAnImage(e.to_string())
}

/// The photo in a multipart body: the part named `file`.
async fn file_part(
    req: &HttpRequest,
    body: web::Bytes,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut form = Multipart::new(req.headers(), stream);
    let malformed = |e: actix_multipart::MultipartError| ApiError::BadRequest {
        code: ErrorCode::BadRequest,
        detail: format!("The multipart body could not be read: {e}"),
    };
    while let Some(field) = form.next().await {
        let mut field = field.map_err(malformed)?;
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = web::BytesMut::new();
        while let Some(chunk) = field.next().await {
            bytes.extend_from_slice(&chunk.map_err(malformed)?);
            if bytes.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
        }
        return Ok(bytes.freeze());
    }
    Err(ApiError::validation(
        "file",
        crate::app::FieldCode::Required,
        "send the photo in a part named `file`",
    ))
}

/// Upload a photo (上传照片), for a case report, a resolution or a note, a
/// visit, an inspection's photo items or a hazard's rectification evidence.
///
/// The body is the photo itself (any `Content-Type`; `image/jpeg` is
/// customary) or `multipart/form-data` with the photo in the part `file`.
/// The type is read from the bytes: JPEG, PNG or WebP, anything else 415.
/// Location, camera and other metadata (EXIF, XMP, comments) are removed
/// before it is stored; the EXIF orientation of JPEG and PNG is kept. The
/// upload is yours alone until a report, step, visit, inspection or
/// hazard step names it; one nothing takes up is removed after
/// `GRIDWORK_ATTACHMENT_TTL_HOURS` (168). Sending the same photo again
/// while it waits answers the first upload with 200. Photos larger than
/// `GRIDWORK_ATTACHMENT_MAX_BYTES` (10 MiB) answer 413.
#[utoipa::path(
    tag = "attachments",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body(description = "The photo: its bytes, or a form with a `file` part. A body sent as `image/jpeg`, `image/png` or `image/webp` is taken too: the type is read from the bytes either way.", content(
        (PhotoBytes = "application/octet-stream"),
        (PhotoForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Stored; `Location` names it", body = AttachmentView,
            headers(("Location" = String))),
        (status = 200, description = "The same photo, uploaded before and still waiting", body = AttachmentView,
            headers(("Location" = String))),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::NotAnImage),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[post("/attachments")]
pub async fn upload_attachment(
    req: HttpRequest,
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    payload: web::Payload,
) -> Result<Reply, ApiError> {
    photos::may_upload(&scoped)?;
    let limit = req.app_data::<UploadLimit>().map_or(0, |l| l.0);
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let slack = if multipart { MULTIPART_SLACK } else { 0 };
    let body = read_limited(req.headers(), &mut payload.into_inner(), limit + slack).await?;
    let raw = if multipart {
        file_part(&req, body, limit).await?
    } else {
        body
    };
    if raw.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    // metadata removal is CPU work on up to 10 MiB: off the async worker
    let clean = web::block(move || attachment::clean(raw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(refused)?;
    let sha256 = crate::auth::sha256_hex(&clean.bytes);
    let now = time::now();
    let (lookup, sha) = (scoped.clone(), sha256.clone());
    if let Some(existing) = state
        .run(move |conn| photos::pending_copy(conn, &lookup, &sha, now))
        .await?
    {
        let location = format!("{API_PREFIX}/attachments/{}", existing.id);
        return Ok(
            Reply::json(StatusCode::OK, &AttachmentView::from(&existing))?
                .header(header::LOCATION, location),
        );
    }
    let stored = Stored {
        id: AttachmentId::generate(),
        kind: clean.kind,
        size: clean.bytes.len(),
        sha256,
    };
    state
        .files
        .put(stored.id.as_str(), clean.bytes)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "storing a photo failed");
            AppError::Unavailable("the photo store did not take the photo; retry".into())
        })?;
    let (ttl, id) = (state.attachment_ttl, stored.id.clone());
    let reply = state
        .write(claim, move |conn| {
            let row = photos::record(conn, &scoped, &origin, &stored, ttl, now)?;
            let location = format!("{API_PREFIX}/attachments/{}", row.id);
            Ok(
                Reply::json(StatusCode::CREATED, &AttachmentView::from(&row))?
                    .header(header::LOCATION, location),
            )
        })
        .await;
    if reply.is_err() {
        // nothing refers to the bytes: do not leave them behind
        let _ = state.files.delete(id.as_str()).await;
    }
    reply
}

/// A photo's bytes: for its uploader while it waits to be attached, then
/// for whoever may see its case (the reporter: those on public timeline
/// entries), or the visit's enterprise, the inspection or the hazard. Immutable: its ETag is its SHA-256.
#[utoipa::path(
    tag = "attachments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Attachment id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, description = "The photo, as its own image type, or as `application/octet-stream` when `Accept` asks for that and not the image type", content(
            (PhotoBytes = "image/jpeg"),
            (PhotoBytes = "image/png"),
            (PhotoBytes = "image/webp"),
            (PhotoBytes = "application/octet-stream"),
        ), headers(("ETag" = String))),
        doc::ReadOne,
    )
)]
#[get("/attachments/{id}")]
pub async fn get_attachment(
    req: HttpRequest,
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<AttachmentId>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let row = state
        .run(move |conn| app::photos::find(conn, &scoped, &id, now))
        .await?;
    let bytes = state.files.get(row.id.as_str()).await.map_err(|e| {
        if e.is_missing() {
            tracing::error!(attachment = %row.id, "a recorded photo is missing from the store");
        }
        AppError::Unavailable("the photo store did not answer; retry".into())
    })?;
    let extension = row.content_type.code().trim_start_matches("image/");
    Ok(HttpResponse::Ok()
        .content_type(bytes_type(&req, row.content_type.code()))
        .insert_header((header::ETAG, format!("\"{}\"", row.sha256)))
        // photos are compressed already
        .insert_header(header::ContentEncoding::Identity)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}.{extension}\"", row.id),
        ))
        .body(bytes))
}
