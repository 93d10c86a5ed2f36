//! Inspection templates: list, create, read (any version), edit.

use actix_web::{HttpResponse, get, post, put, web};
use gridwork_domain::TemplateId;
use gridwork_domain::inspection::Template;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::inspection_templates;
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::inspection_templates::{TemplatePage, TemplateSummary, TemplateView};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// Archived templates too (true).
    pub include_archived: Option<bool>,
}

/// The inspection templates (检查表), oldest first.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(TemplateQuery, PageQuery),
    responses((status = 200, body = TemplatePage), doc::List)
)]
#[get("/inspection-templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    _scoped: Scoped,
    Listing { filter, page }: Listing<TemplateQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let archived = filter.include_archived == Some(true);
    let rows = state
        .run(move |conn| inspection_templates::list(conn, archived, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(TemplatePage {
        items: rows.iter().map(TemplateSummary::from).collect(),
        next_cursor,
    }))
}

/// Create an inspection template (zone officers, admins): items of kind
/// yes/no, number (with an allowed range), choice, text or photo, each
/// with what counts as a failure and the hazard severity it raises.
/// Refusals name the item (`items[3].choices`).
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = Template,
    responses(
        (status = 201, body = TemplateView, headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/inspection-templates")]
pub async fn create_template(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<Template>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let v = inspection_templates::create(conn, &scoped, &origin, body.into_inner())?;
            let location = format!("{API_PREFIX}/inspection-templates/{}", v.row.id);
            Reply::created(location, v.version, &TemplateView::from(&v))
        })
        .await
}

/// A template's latest version.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = TemplateView, headers(("ETag" = String))), doc::ReadOne)
)]
#[get("/inspection-templates/{id}")]
pub async fn get_template(
    state: web::Data<AppState>,
    _scoped: Scoped,
    id: web::Path<TemplateId>,
) -> Result<HttpResponse, ApiError> {
    let v = state
        .run(move |conn| inspection_templates::find(conn, &id, None))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        v.version,
        &TemplateView::from(&v),
    ))
}

/// One version of a template, as submissions made against it read it.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"),
        ("version" = i32, Path, minimum = 1, maximum = 2_147_483_647),
    ),
    responses((status = 200, body = TemplateView), doc::ReadOne)
)]
#[get("/inspection-templates/{id}/versions/{version}")]
pub async fn get_template_version(
    state: web::Data<AppState>,
    _scoped: Scoped,
    path: web::Path<(TemplateId, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let v = state
        .run(move |conn| inspection_templates::find(conn, &id, Some(version)))
        .await?;
    Ok(HttpResponse::Ok().json(TemplateView::from(&v)))
}

/// Edit a template (zone officers, admins): the body is the whole new
/// version. The same content as the latest changes nothing and answers it.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IfMatchHeader),
    request_body = Template,
    responses((status = 200, body = TemplateView, headers(("ETag" = String))), doc::Update)
)]
#[put("/inspection-templates/{id}")]
pub async fn update_template(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<TemplateId>,
    body: Json<Template>,
) -> Result<HttpResponse, ApiError> {
    let v = state
        .run(move |conn| {
            inspection_templates::update(conn, &scoped, &origin, &id, &expected, body.into_inner())
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        v.version,
        &TemplateView::from(&v),
    ))
}
