//! Open311 GeoReport v2 at `/open311/v2`, each document in `.json` or
//! `.xml`. Errors are GeoReport's `[{code, description}]`, not problem
//! documents, so that existing Open311 apps read them. `api_key` (an
//! integrator key) comes in the query string, the form body, or as a bearer
//! token; an empty `jurisdiction_id` and parameters the zone does not use
//! are accepted and ignored, as Open311 apps send them.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder, get, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::case::Severity;
use gridwork_domain::open311::{StatusFilter, Window};
use gridwork_domain::{CaseId, IntegratorKeyId};
use gridwork_persistence::time;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::{IntoParams, ToSchema};

use crate::app::integrators::{self, Integrator};
use crate::app::open311::{self, Search, Submission};
use crate::app::{AppError, Origin};
use crate::http::ApiError;
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::state::AppState;
use crate::views::open311::{
    Discovery, Open311Error, Receipt, RequestUpdate, Service, ServiceDefinition, ServiceRequest,
    TokenAnswer, to_xml,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Xml,
}

/// What went wrong, as an Open311 error.
struct Failure(StatusCode, String);

fn bad(description: impl Into<String>) -> Failure {
    Failure(StatusCode::BAD_REQUEST, description.into())
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        Failure::from(ApiError::from(e))
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        let problem = e.to_problem(None, None);
        let description = match &problem.errors {
            Some(errors) if !errors.is_empty() => errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            _ => problem.detail.clone(),
        };
        // a refused key is a 403 in GeoReport v2
        let status = match problem.status {
            401 => StatusCode::FORBIDDEN,
            422 | 409 => StatusCode::BAD_REQUEST,
            other => StatusCode::from_u16(other).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
        if status.is_server_error() {
            tracing::error!(error = %problem.detail, "open311");
        }
        Failure(status, description)
    }
}

/// `body` under `root` in `format`: its content type and bytes.
fn encode(
    format: Format,
    root: &str,
    body: &impl serde::Serialize,
) -> Result<(&'static str, Vec<u8>), AppError> {
    match format {
        Format::Json => Ok((
            "application/json",
            serde_json::to_vec(body).map_err(|e| AppError::Internal(e.to_string()))?,
        )),
        Format::Xml => Ok((
            "text/xml; charset=utf-8",
            to_xml(root, body).map_err(AppError::Internal)?,
        )),
    }
}

fn document(
    status: StatusCode,
    format: Format,
    root: &str,
    body: &impl serde::Serialize,
) -> HttpResponse {
    match encode(format, root, body) {
        Ok((content_type, bytes)) => HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type)))
            .body(bytes),
        Err(e) => {
            tracing::error!(error = %e, "open311 document");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// The answer: `body` under `root`, or the failure as GeoReport errors.
fn answer(
    format: Format,
    root: &str,
    result: Result<impl serde::Serialize, Failure>,
) -> HttpResponse {
    match result {
        Ok(body) => document(StatusCode::OK, format, root, &body),
        Err(Failure(status, description)) => document(
            status,
            format,
            "errors",
            &[Open311Error {
                code: status.as_u16(),
                description,
            }],
        ),
    }
}

/// The format a path ends in.
fn format_of(raw: &str) -> Option<Format> {
    match raw {
        "json" => Some(Format::Json),
        "xml" => Some(Format::Xml),
        _ => None,
    }
}

/// The answer to a path in another format: a GeoReport error in JSON.
fn unknown_format() -> HttpResponse {
    answer(
        Format::Json,
        "errors",
        Err::<(), _>(bad("the format is .json or .xml")),
    )
}

/// What every read shares: the format from the path, the common parameters
/// checked, then `body`'s answer under `root` (or its failure).
async fn respond<T: serde::Serialize>(
    format: &str,
    root: &str,
    req: &HttpRequest,
    body: impl Future<Output = Result<T, Failure>>,
) -> HttpResponse {
    let Some(format) = format_of(format) else {
        return unknown_format();
    };
    let result = match common(req) {
        Ok(()) => body.await,
        Err(failure) => Err(failure),
    };
    answer(format, root, result)
}

/// Parameters from a query string or form, unknown ones ignored.
fn params<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    serde_urlencoded::from_str(text).map_err(|e| bad(format!("unreadable parameters: {e}")))
}

fn bounded<'a>(name: &str, value: Option<&'a str>, max: usize) -> Result<Option<&'a str>, Failure> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max || v.chars().any(char::is_control) => Err(bad(format!(
            "{name} is at most {max} characters, without control characters"
        ))),
        other => Ok(other),
    }
}

fn date(name: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, Failure> {
    bounded(name, value, 40)?
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| {
                    bad(format!(
                        "{name} is a W3C date-time, e.g. 2026-12-01T00:00:00Z"
                    ))
                })
        })
        .transpose()
}

/// The integrator behind `api_key` (query, form, or bearer), if any; a key
/// that does not work is refused (403).
async fn integrator_of(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    form_key: Option<&str>,
) -> Result<Option<Integrator>, Failure> {
    #[derive(Deserialize)]
    struct Key {
        api_key: Option<String>,
    }
    let query: Key = params(req.query_string())?;
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| state.integrator_keys.looks_like(t));
    let key = query
        .api_key
        .as_deref()
        .or(form_key)
        .or(bearer)
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let Some(key) = key else { return Ok(None) };
    let refused = || Failure(StatusCode::FORBIDDEN, "the api_key is not valid".into());
    let id = state.integrator_keys.check(key).ok_or_else(refused)?;
    let (id, secret, now) = (IntegratorKeyId::from(id), key.to_owned(), time::now());
    let integrator = state
        .run(move |conn| integrators::authenticate(conn, &id, &secret, now))
        .await
        .map_err(|_| refused())?;
    Ok(Some(integrator))
}

/// Parameters every call may carry.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Common {
    /// Ignored: the zone is one jurisdiction (apps send it empty).
    #[param(max_length = 100)]
    pub jurisdiction_id: Option<String>,
}

/// The parameters every call may carry, within their bounds.
fn common(req: &HttpRequest) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct Given {
        api_key: Option<String>,
        jurisdiction_id: Option<String>,
    }
    let given: Given = params(req.query_string())?;
    bounded("api_key", given.api_key.as_deref(), 200)?;
    bounded("jurisdiction_id", given.jurisdiction_id.as_deref(), 100)?;
    Ok(())
}

/// The GeoReport v2 endpoint of this zone and its formats.
#[utoipa::path(
    tag = "open311",
    params(("format" = Format, Path, description = "`json` or `xml`"), Common),
    responses(
        (status = 200, description = "The discovery document", content(
            (Discovery = "application/json"),
            (String = "text/xml")),
        ),
        (status = 400, description = "Not .json or .xml, or a parameter out of bounds", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
    )
)]
#[get("/discovery.{format}")]
pub async fn discovery(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
) -> HttpResponse {
    respond(&format, "discovery", &req, async {
        Ok::<_, Failure>(Discovery::new(&state.public_url))
    })
    .await
}

/// The services: the zone's active case categories.
#[utoipa::path(
    tag = "open311",
    params(("format" = Format, Path, description = "`json` or `xml`"), Common),
    responses(
        (status = 200, description = "The services", content(
            (Vec<Service> = "application/json"),
            (String = "text/xml")),
        ),
        (status = 400, description = "Not .json or .xml, or a parameter out of bounds", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
    )
)]
#[get("/services.{format}")]
pub async fn services(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
) -> HttpResponse {
    respond(&format, "services", &req, async {
        let rows = state.run(open311::services).await?;
        Ok::<_, Failure>(
            rows.iter()
                .map(|(row, group)| Service::new(row, group))
                .collect::<Vec<_>>(),
        )
    })
    .await
}

/// A service's definition: its attribute `severity`.
#[utoipa::path(
    tag = "open311",
    params(
        ("service_code" = String, Path, max_length = 81, description = "A service code (`GET services`)"),
        ("format" = Format, Path, description = "`json` or `xml`"),
        Common,
    ),
    responses(
        (status = 200, description = "The service definition", content(
            (ServiceDefinition = "application/json"),
            (String = "text/xml")),
        ),
        (status = 400, description = "Not .json or .xml, or a parameter out of bounds", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "No such service", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
    )
)]
#[get("/services/{service_code}.{format}")]
pub async fn service_definition(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (code, format) = path.into_inner();
    respond(&format, "service_definition", &req, async {
        let row = state.run(move |conn| open311::service(conn, &code)).await?;
        Ok::<_, Failure>(ServiceDefinition::new(&row))
    })
    .await
}

/// A report, as an Open311 app's form sends it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RequestForm {
    /// An integrator key with `report_cases` (also accepted in the query
    /// string or as a bearer token).
    #[schema(max_length = 200)]
    pub api_key: Option<String>,
    #[schema(max_length = 100)]
    pub jurisdiction_id: Option<String>,
    /// A service code (`GET services`).
    #[schema(max_length = 81, example = "safety_hazard.flooding")]
    pub service_code: Option<String>,
    /// WGS84 latitude; with `long`, or give `address_string`.
    #[schema(max_length = 40, example = "33.79")]
    pub lat: Option<String>,
    #[schema(max_length = 40, example = "114.52")]
    pub long: Option<String>,
    /// Where, in words, when there is no point: the zone office places it.
    #[schema(max_length = 200)]
    pub address_string: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// `general` (default), `urgent` or `critical`.
    #[serde(rename = "attribute[severity]")]
    #[schema(max_length = 20)]
    pub severity: Option<String>,
    /// Accepted and not kept: the zone reaches the reporter through the app.
    #[schema(max_length = 200)]
    pub email: Option<String>,
    #[schema(max_length = 100)]
    pub first_name: Option<String>,
    #[schema(max_length = 100)]
    pub last_name: Option<String>,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(max_length = 200)]
    pub device_id: Option<String>,
    #[schema(max_length = 200)]
    pub account_id: Option<String>,
    /// Accepted and not fetched (the server opens no outside URL): upload
    /// photos through the API instead.
    #[schema(max_length = 2000)]
    pub media_url: Option<String>,
}

fn submission(form: &RequestForm) -> Result<Submission, Failure> {
    let service_code = bounded("service_code", form.service_code.as_deref(), 81)?
        .ok_or_else(|| bad("service_code is required"))?;
    let coordinate = |name: &str, value: Option<&str>, limit: f64| {
        bounded(name, value, 40)?
            .map(|v| match v.parse::<f64>() {
                Ok(n) if n.is_finite() && n.abs() <= limit => Ok(n),
                _ => Err(bad(format!("{name} is a number from -{limit} to {limit}"))),
            })
            .transpose()
    };
    let lat = coordinate("lat", form.lat.as_deref(), 90.0)?;
    let lng = coordinate("long", form.long.as_deref(), 180.0)?;
    let address = bounded("address_string", form.address_string.as_deref(), 200)?;
    let point = match (lat, lng) {
        (Some(lat), Some(lng)) => Some((lat, lng)),
        (None, None) => None,
        _ => return Err(bad("give lat and long together")),
    };
    if point.is_none() && address.is_none() {
        return Err(bad(
            "a location is required: lat and long, or address_string",
        ));
    }
    for (name, value, max) in [
        ("email", &form.email, 200),
        ("first_name", &form.first_name, 100),
        ("last_name", &form.last_name, 100),
        ("phone", &form.phone, 40),
        ("device_id", &form.device_id, 200),
        ("account_id", &form.account_id, 200),
        ("media_url", &form.media_url, 2000),
        ("jurisdiction_id", &form.jurisdiction_id, 100),
        ("api_key", &form.api_key, 200),
    ] {
        bounded(name, value.as_deref(), max)?;
    }
    let severity = match bounded("attribute[severity]", form.severity.as_deref(), 20)? {
        None => Severity::General,
        Some(code) => Severity::parse(code)
            .ok_or_else(|| bad("attribute[severity] is general, urgent or critical"))?,
    };
    Ok(Submission {
        service_code: service_code.to_owned(),
        point,
        address: address.map(str::to_owned),
        description: bounded("description", form.description.as_deref(), 2000)?.map(str::to_owned),
        severity,
    })
}

/// Report: creates a case with source `open311`, located to the grid that
/// holds the point (with only an address, in the zone root for the zone
/// office to place). Needs an integrator key with `report_cases`.
#[utoipa::path(
    tag = "open311",
    params(("format" = Format, Path, description = "`json` or `xml`"), IdempotencyKey),
    request_body(content = RequestForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 413, response = crate::http::problems::PayloadTooLarge),
        (status = 200, description = "Reported: its service_request_id", content(
            (Vec<Receipt> = "application/json"),
            (String = "text/xml")),
        ),
        (status = 400, description = "No service code, no location, or a value out of bounds; \
            a malformed `Idempotency-Key` (a problem document, `invalid_idempotency_key`)", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"),
            (crate::http::error::Problem = "application/problem+json"))),
        (status = 403, description = "No valid api_key, or one without report_cases", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
    )
)]
#[post("/requests.{format}")]
pub async fn post_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    origin: Origin,
    claim: Idempotent,
    format: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(format) = format_of(&format) else {
        return unknown_format();
    };
    let result = async {
        let text = std::str::from_utf8(&body).map_err(|_| bad("the form is not UTF-8"))?;
        let form: RequestForm = params(text)?;
        let integrator = integrator_of(&state, &req, form.api_key.as_deref())
            .await?
            .ok_or_else(|| {
                Failure(
                    StatusCode::FORBIDDEN,
                    "an api_key is required to report".into(),
                )
            })?;
        let submission = submission(&form)?;
        let nearby = state.duplicates;
        let reply = state
            .write(claim, move |conn| {
                let row =
                    open311::submit(conn, &integrator, &origin, &submission, nearby, time::now())?;
                let (content_type, body) =
                    encode(format, "service_requests", &[Receipt::new(&row)])?;
                Ok(Reply {
                    status: StatusCode::OK,
                    headers: vec![(header::CONTENT_TYPE, content_type.to_owned())],
                    body,
                    replay_body: None,
                })
            })
            .await?;
        Ok::<_, Failure>(reply)
    }
    .await;
    match result {
        Ok(reply) => reply.respond_to(&req),
        Err(failure) => answer(format, "errors", Err::<(), _>(failure)),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// An integrator key with `read_own_cases`: the integrator's own
    /// requests in full. Without one: the public view of the requests that
    /// came through Open311 (no description or place).
    #[param(max_length = 200)]
    pub api_key: Option<String>,
    #[param(max_length = 100)]
    pub jurisdiction_id: Option<String>,
    /// Comma-separated ids; the other filters then do not apply.
    #[param(max_length = 3700)]
    pub service_request_id: Option<String>,
    /// Comma-separated service codes.
    #[param(max_length = 1000)]
    pub service_code: Option<String>,
    /// W3C date-time; the window is at most 90 days, the last 90 by default.
    #[param(max_length = 40)]
    pub start_date: Option<String>,
    #[param(max_length = 40)]
    pub end_date: Option<String>,
    /// `open`, `closed`, or both comma-separated.
    #[param(max_length = 20)]
    pub status: Option<String>,
}

fn list(raw: Option<&str>) -> Option<Vec<String>> {
    raw.map(|v| {
        v.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

fn search_of(q: &RequestsQuery) -> Result<(Search, Window), Failure> {
    let ids = list(bounded(
        "service_request_id",
        q.service_request_id.as_deref(),
        3700,
    )?)
    .map(|ids| {
        if ids.len() > 100 {
            return Err(bad("at most 100 service_request_id"));
        }
        Ok(ids
            .iter()
            .filter(|id| gridwork_domain::code::check_id(id).is_ok())
            .map(|id| CaseId::from(id.as_str()))
            .collect())
    })
    .transpose()?;
    let service_codes = list(bounded("service_code", q.service_code.as_deref(), 1000)?);
    let status = StatusFilter::parse(bounded("status", q.status.as_deref(), 20)?.unwrap_or(""))
        .map_err(|e| bad(e.to_string()))?;
    let window = Window::parse(
        date("start_date", q.start_date.as_deref())?,
        date("end_date", q.end_date.as_deref())?,
        time::now(),
    )
    .map_err(|e| bad(e.to_string()))?;
    Ok((
        Search {
            ids,
            service_codes,
            status,
        },
        window,
    ))
}

/// Names of the services, for the requests that show them.
async fn with_names(
    state: &web::Data<AppState>,
    rows: Vec<gridwork_persistence::case::CaseRow>,
    full: bool,
) -> Result<Vec<ServiceRequest>, Failure> {
    let categories = state.run(open311::services).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let name = categories
                .iter()
                .find(|(c, _)| c.code == row.category_code)
                .map_or(row.category_code.as_str(), |(c, _)| c.name_zh.as_str());
            ServiceRequest::new(row, name, full)
        })
        .collect())
}

/// Search requests, newest first, at most 1000 (narrow the window for more).
#[utoipa::path(
    tag = "open311",
    params(("format" = Format, Path, description = "`json` or `xml`"), RequestsQuery),
    responses(
        (status = 200, description = "The requests", content(
            (Vec<ServiceRequest> = "application/json"),
            (String = "text/xml")),
        ),
        (status = 400, description = "A filter out of bounds", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
        (status = 403, description = "An api_key that does not work, or one without read_own_cases", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
    )
)]
#[get("/requests.{format}")]
pub async fn get_requests(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
) -> HttpResponse {
    respond(&format, "service_requests", &req, async {
        let query: RequestsQuery = params(req.query_string())?;
        let (search, window) = search_of(&query)?;
        let integrator = integrator_of(&state, &req, None).await?;
        let full = integrator.is_some();
        let rows = state
            .run(move |conn| open311::search(conn, integrator.as_ref(), &search, window))
            .await?;
        with_names(&state, rows, full).await
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    /// An integrator key with `read_own_cases` (see `GET requests`).
    #[param(max_length = 200)]
    pub api_key: Option<String>,
    #[param(max_length = 100)]
    pub jurisdiction_id: Option<String>,
}

/// One request, as a one-item list.
#[utoipa::path(
    tag = "open311",
    params(
        ("service_request_id" = String, Path, max_length = 36, description = "The request's id"),
        ("format" = Format, Path, description = "`json` or `xml`"),
        KeyQuery,
    ),
    responses(
        (status = 200, description = "The request", content(
            (Vec<ServiceRequest> = "application/json"),
            (String = "text/xml")),
        ),
        (status = 400, description = "Not .json or .xml, or a parameter out of bounds", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
        (status = 403, description = "An api_key that does not work", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "No such request, or not one the caller may see", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
    )
)]
#[get("/requests/{service_request_id}.{format}")]
pub async fn get_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, format) = path.into_inner();
    respond(&format, "service_requests", &req, async {
        let integrator = integrator_of(&state, &req, None).await?;
        let full = integrator.is_some();
        let id = CaseId::from(id.as_str());
        let row = state
            .run(move |conn| open311::find(conn, integrator.as_ref(), &id))
            .await?;
        with_names(&state, vec![row], full).await
    })
    .await
}

/// The request a token stands for. Requests are made at once, so the token
/// a report answers is its `service_request_id`.
#[utoipa::path(
    tag = "open311",
    params(
        ("token" = String, Path, max_length = 36, description = "The token"),
        ("format" = Format, Path, description = "`json` or `xml`"),
        KeyQuery,
    ),
    responses(
        (status = 200, description = "The request's id", content(
            (Vec<TokenAnswer> = "application/json"),
            (String = "text/xml")),
        ),
        (status = 400, description = "Not .json or .xml, or a parameter out of bounds", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
        (status = 403, description = "An api_key that does not work", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "No such token", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
    )
)]
#[get("/tokens/{token}.{format}")]
pub async fn get_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (token, format) = path.into_inner();
    respond(&format, "service_requests", &req, async {
        let integrator = integrator_of(&state, &req, None).await?;
        let id = CaseId::from(token.as_str());
        let row = state
            .run(move |conn| open311::find(conn, integrator.as_ref(), &id))
            .await?;
        Ok::<_, Failure>(vec![TokenAnswer {
            service_request_id: row.id.to_string(),
            token: row.id.to_string(),
        }])
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpdatesQuery {
    /// As for `GET requests`.
    #[param(max_length = 200)]
    pub api_key: Option<String>,
    #[param(max_length = 100)]
    pub jurisdiction_id: Option<String>,
    /// W3C date-time; at most 90 days, the last 90 by default.
    #[param(max_length = 40)]
    pub start_date: Option<String>,
    #[param(max_length = 40)]
    pub end_date: Option<String>,
}

/// FixMyStreet's extension: the public steps of the requests, oldest
/// first, at most 1000, with FixMyStreet's finer statuses.
#[utoipa::path(
    tag = "open311",
    params(("format" = Format, Path, description = "`json` or `xml`"), UpdatesQuery),
    responses(
        (status = 200, description = "The updates", content(
            (Vec<RequestUpdate> = "application/json"),
            (String = "text/xml")),
        ),
        (status = 400, description = "A date out of bounds", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
        (status = 403, description = "An api_key that does not work", content(
            (Vec<Open311Error> = "application/json"), (String = "text/xml"))),
    )
)]
#[get("/servicerequestupdates.{format}")]
pub async fn request_updates(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
) -> HttpResponse {
    respond(&format, "service_request_updates", &req, async {
        let q: UpdatesQuery = params(req.query_string())?;
        let window = Window::parse(
            date("start_date", q.start_date.as_deref())?,
            date("end_date", q.end_date.as_deref())?,
            time::now(),
        )
        .map_err(|e| bad(e.to_string()))?;
        let integrator = integrator_of(&state, &req, None).await?;
        let steps = state
            .run(move |conn| open311::updates(conn, integrator.as_ref(), window))
            .await?;
        Ok::<_, Failure>(
            steps
                .iter()
                .map(|(step, _)| RequestUpdate::new(step))
                .collect::<Vec<_>>(),
        )
    })
    .await
}
