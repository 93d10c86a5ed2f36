//! Departments and case categories: read by everyone signed in (a worker
//! reporting a case picks a category), kept by admins.

use actix_web::{HttpResponse, get, patch, post, web};
use gridwork_domain::case::reference::RefCode;

use crate::app::case_categories::{self, CreateCategory, UpdateCategory};
use crate::app::departments::{self, CreateDepartment, UpdateDepartment};
use crate::app::{Caller, Origin};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::reference::{CategoryPage, CategoryView, DepartmentPage, DepartmentView};

/// A department or category code in a path.
#[derive(Debug)]
pub struct Code(String);

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        let text = String::deserialize(deserializer)?;
        RefCode::parse(&text)
            .map(|c| Code(c.as_str().to_owned()))
            .map_err(serde::de::Error::custom)
    }
}

/// Departments in code order.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = DepartmentPage), doc::List)
)]
#[get("/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    _caller: Caller,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| departments::list(conn, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.code.clone());
    let items = rows.iter().map(DepartmentView::from).collect();
    Ok(HttpResponse::Ok().json(DepartmentPage { items, next_cursor }))
}

/// Add a department (admin).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateDepartment,
    responses(
        (status = 201, description = "Created; `Location` names it", body = DepartmentView,
            headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/departments")]
pub async fn create_department(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateDepartment>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let row = departments::create(conn, &caller, &origin, &body)?;
            let location = format!("{API_PREFIX}/departments/{}", row.code);
            Reply::created(location, row.version, &DepartmentView::from(&row))
        })
        .await
}

/// One department.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("code" = String, Path, min_length = 1, max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")),
    responses((status = 200, body = DepartmentView, headers(("ETag" = String))), doc::ReadOne)
)]
#[get("/departments/{code}")]
pub async fn get_department(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<Code>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| departments::find(conn, &code.0))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &DepartmentView::from(&row),
    ))
}

/// Rename or archive a department (admin); `If-Match` guards against
/// overwriting someone else's change.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("code" = String, Path, min_length = 1, max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$"), IfMatchHeader),
    request_body = UpdateDepartment,
    responses((status = 200, body = DepartmentView, headers(("ETag" = String))), doc::Update)
)]
#[patch("/departments/{code}")]
pub async fn update_department(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    IfMatch(expected): IfMatch,
    code: web::Path<Code>,
    body: Json<UpdateDepartment>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| departments::update(conn, &caller, &origin, &code.0, &expected, &body))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &DepartmentView::from(&row),
    ))
}

/// Case categories in code order (a parent before its children), with
/// their default departments and deadlines.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = CategoryPage), doc::List)
)]
#[get("/case-categories")]
pub async fn list_categories(
    state: web::Data<AppState>,
    _caller: Caller,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| case_categories::list(conn, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.code.clone());
    let items = rows
        .iter()
        .map(CategoryView::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(CategoryPage { items, next_cursor }))
}

/// Add a case category (admin): a top-level code, or `parent.child`.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateCategory,
    responses(
        (status = 201, description = "Created; `Location` names it", body = CategoryView,
            headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/case-categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateCategory>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let row = case_categories::create(conn, &caller, &origin, &body)?;
            let location = format!("{API_PREFIX}/case-categories/{}", row.code);
            Reply::created(location, row.version, &CategoryView::try_from(&row)?)
        })
        .await
}

/// One case category.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("code" = String, Path, min_length = 1, max_length = 81, pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$")),
    responses((status = 200, body = CategoryView, headers(("ETag" = String))), doc::ReadOne)
)]
#[get("/case-categories/{code}")]
pub async fn get_category(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<Code>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| case_categories::find(conn, &code.0))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &CategoryView::try_from(&row)?,
    ))
}

/// Change a case category (admin): names, default departments, deadlines,
/// archived. `If-Match` guards against overwriting someone else's change.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("code" = String, Path, min_length = 1, max_length = 81, pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$"), IfMatchHeader),
    request_body = UpdateCategory,
    responses((status = 200, body = CategoryView, headers(("ETag" = String))), doc::Update)
)]
#[patch("/case-categories/{code}")]
pub async fn update_category(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    IfMatch(expected): IfMatch,
    code: web::Path<Code>,
    body: Json<UpdateCategory>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| case_categories::update(conn, &caller, &origin, &code.0, &expected, &body))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &CategoryView::try_from(&row)?,
    ))
}
