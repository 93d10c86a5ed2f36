//! Enterprises: the basic record (基础信息) each grid keeps up to date.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::Permission;
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_domain::enterprise::{
    FieldPresence, HazardFlag, INDUSTRY_SECTIONS, IndustrySection, Uscc,
};
use gridwork_domain::grid::GridKind;
use gridwork_persistence::enterprise::{self, EnterpriseFilter, EnterpriseRow};
use gridwork_persistence::{DbConnection, grid, person, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{API_PREFIX, PageQuery, check_if_match, clean, etag, nullable, paginate};
use crate::audit::{AuditEvent, RequestOrigin};
use crate::auth::Scoped;
use crate::error::{ApiError, FieldError};
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Industry {
    /// GB/T 4754-2017 section letter, A–T.
    #[schema(example = "C")]
    pub section: Option<String>,
    #[schema(example = "制造业")]
    pub section_label_zh: Option<&'static str>,
    /// Free text, e.g. the class within the section.
    #[schema(example = "电子元件制造")]
    pub text: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Location {
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BasicInfo {
    /// True when every field of the documented required set is filled.
    pub complete: bool,
    /// Required fields still empty: name, uscc, industry_section,
    /// employee_count, address, location, principal_person_id,
    /// production_characteristics.
    pub missing: Vec<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseView {
    pub id: String,
    #[schema(example = "周口耕德电子有限公司")]
    pub name: String,
    /// Unified social credit code (统一社会信用代码).
    #[schema(example = "91411622MA9XXXXX04")]
    pub uscc: Option<String>,
    pub industry: Industry,
    pub employee_count: Option<i32>,
    pub address: Option<String>,
    pub location: Option<Location>,
    pub principal_person_id: Option<String>,
    pub production_characteristics: Option<String>,
    /// Hazard flags, e.g. `hazardous_chemicals`, `dust`, `confined_space`.
    pub flags: Vec<String>,
    /// The grid it belongs to.
    pub grid_id: Option<String>,
    pub basic_info: BasicInfo,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// The completeness rule's view of a stored record.
pub fn presence(row: &EnterpriseRow) -> FieldPresence {
    let filled = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    FieldPresence {
        name: !row.name.trim().is_empty(),
        uscc: filled(&row.uscc),
        industry_section: filled(&row.industry_section),
        employee_count: row.employee_count.is_some(),
        address: filled(&row.address),
        location: row.lat.is_some() && row.lng.is_some(),
        principal_person_id: filled(&row.principal_person_id),
        production_characteristics: filled(&row.production_characteristics),
    }
}

impl From<&EnterpriseRow> for EnterpriseView {
    fn from(row: &EnterpriseRow) -> EnterpriseView {
        let missing = presence(row).missing();
        let section_label_zh = row
            .industry_section
            .as_deref()
            .and_then(|s| INDUSTRY_SECTIONS.iter().find(|(l, _, _)| s.starts_with(*l)))
            .map(|(_, zh, _)| *zh);
        EnterpriseView {
            id: row.id.clone(),
            name: row.name.clone(),
            uscc: row.uscc.clone(),
            industry: Industry {
                section: row.industry_section.clone(),
                section_label_zh,
                text: row.industry_text.clone(),
            },
            employee_count: row.employee_count,
            address: row.address.clone(),
            location: row.lat.zip(row.lng).map(|(lat, lng)| Location { lat, lng }),
            principal_person_id: row.principal_person_id.clone(),
            production_characteristics: row.production_characteristics.clone(),
            flags: row
                .flags
                .split(',')
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect(),
            grid_id: row.grid_id.clone(),
            basic_info: BasicInfo {
                complete: missing.is_empty(),
                missing,
            },
            archived_at: row.archived_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

fn respond(row: &EnterpriseRow, mut builder: actix_web::HttpResponseBuilder) -> HttpResponse {
    builder
        .insert_header((header::ETAG, etag(row.version)))
        .json(EnterpriseView::from(row))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterprisePage {
    pub items: Vec<EnterpriseView>,
    pub next_cursor: Option<String>,
}

/// Fields of an enterprise record. On update, absent fields stay as they are
/// and `null` clears a field.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "周口耕德电子有限公司")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "91411622MA9XXXXX04")]
    pub uscc: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "C")]
    pub industry_section: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub industry_text: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub employee_count: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>)]
    pub lat: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>)]
    pub lng: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub principal_person_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub production_characteristics: Option<Option<String>>,
    /// Hazard-flag codes.
    pub flags: Option<Vec<String>>,
    /// An area (`general`) grid, or the enterprise's own enterprise grid.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub grid_id: Option<Option<String>>,
}

/// Applies `input` to `row`, collecting every invalid field.
pub fn apply(
    row: &mut EnterpriseRow,
    input: EnterpriseInput,
) -> Result<Vec<&'static str>, ApiError> {
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    let mut text = |value: Option<Option<String>>,
                    max: usize,
                    field: &'static str,
                    target: &mut Option<String>| {
        if let Some(value) = value {
            let value = clean(value);
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                errors.push(FieldError::new(
                    field,
                    "too_long",
                    format!("must be at most {max} characters"),
                ));
            }
            *target = value;
            changed.push(field);
        }
    };
    text(
        input.industry_text,
        200,
        "industry_text",
        &mut row.industry_text,
    );
    text(input.address, 300, "address", &mut row.address);
    text(
        input.production_characteristics,
        2000,
        "production_characteristics",
        &mut row.production_characteristics,
    );
    text(
        input.principal_person_id,
        64,
        "principal_person_id",
        &mut row.principal_person_id,
    );
    text(input.grid_id, 64, "grid_id", &mut row.grid_id);
    if let Some(name) = input.name {
        row.name = name.trim().to_owned();
        changed.push("name");
    }
    if let Some(uscc) = input.uscc {
        match clean(uscc).map(|u| Uscc::parse(&u)).transpose() {
            Ok(u) => row.uscc = u.map(|u| u.as_str().to_owned()),
            Err(e) => errors.push(FieldError::new("uscc", "invalid_uscc", e)),
        }
        changed.push("uscc");
    }
    if let Some(section) = input.industry_section {
        match clean(section)
            .map(|s| IndustrySection::parse(&s))
            .transpose()
        {
            Ok(s) => row.industry_section = s.map(|s| s.letter().to_string()),
            Err(e) => errors.push(FieldError::new("industry_section", "invalid_section", e)),
        }
        changed.push("industry_section");
    }
    if let Some(count) = input.employee_count {
        if count.is_some_and(|c| !(0..=10_000_000).contains(&c)) {
            errors.push(FieldError::new(
                "employee_count",
                "out_of_range",
                "must be 0 to 10,000,000",
            ));
        }
        row.employee_count = count;
        changed.push("employee_count");
    }
    if let Some(lat) = input.lat {
        if lat.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
            errors.push(FieldError::new(
                "lat",
                "out_of_range",
                "latitude must lie in -90..90",
            ));
        }
        row.lat = lat;
        changed.push("lat");
    }
    if let Some(lng) = input.lng {
        if lng.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            errors.push(FieldError::new(
                "lng",
                "out_of_range",
                "longitude must lie in -180..180",
            ));
        }
        row.lng = lng;
        changed.push("lng");
    }
    if row.lat.is_some() != row.lng.is_some() {
        errors.push(FieldError::new(
            "lat",
            "incomplete_location",
            "give both lat and lng, or neither",
        ));
    }
    if let Some(flags) = input.flags {
        let mut parsed = Vec::new();
        for flag in &flags {
            match HazardFlag::parse(flag) {
                Some(f) => parsed.push(f),
                None => errors.push(FieldError::new(
                    "flags",
                    "unknown_flag",
                    format!("unknown flag `{flag}`"),
                )),
            }
        }
        parsed.sort();
        parsed.dedup();
        row.flags = parsed
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(",");
        changed.push("flags");
    }
    if row.name.is_empty() || row.name.chars().count() > 200 {
        errors.push(FieldError::new(
            "name",
            "required",
            "must be 1 to 200 characters",
        ));
    }
    if errors.is_empty() {
        Ok(changed)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Checks references against the store: the grid and principal must exist and
/// be in the caller's scope, the USCC unused by another enterprise. `previous`
/// is the stored record (None when creating).
pub fn check_references(
    conn: &mut DbConnection,
    row: &EnterpriseRow,
    previous: Option<&EnterpriseRow>,
    scope: &gridwork_domain::Scope,
) -> Result<(), ApiError> {
    if let Some(uscc) = &row.uscc
        && enterprise::find_by_uscc(conn, uscc)?.is_some_and(|other| other.id != row.id)
    {
        return Err(ApiError::conflict(
            "uscc_taken",
            "Another enterprise has this unified social credit code.",
        ));
    }
    if previous.is_none_or(|p| p.grid_id != row.grid_id) {
        if let Some(own) = grid::enterprise_grid(conn, &row.id)? {
            return Err(ApiError::conflict(
                "has_enterprise_grid",
                format!(
                    "The enterprise has its own grid {} ({}); it stays there.",
                    own.name, own.code
                ),
            ));
        }
        match &row.grid_id {
            Some(id) => {
                let target = grid::find(conn, id)?
                    .filter(|g| g.archived_at.is_none() && scope.covers(Some(&g.id)))
                    .ok_or_else(|| ApiError::validation("grid_id", "not_found", "no such grid"))?;
                if GridKind::parse(&target.kind) != Some(GridKind::General) {
                    return Err(ApiError::validation(
                        "grid_id",
                        "wrong_kind",
                        "an enterprise joins an area (general) grid, or gets an enterprise grid of its own",
                    ));
                }
            }
            None if scope.grid_ids().is_some() => {
                return Err(ApiError::validation(
                    "grid_id",
                    "required",
                    "give a grid in your scope",
                ));
            }
            None => {}
        }
    }
    if let Some(principal) = &row.principal_person_id
        && person::find(conn, principal)?
            .filter(|p| p.archived_at.is_none())
            .is_none()
    {
        return Err(ApiError::validation(
            "principal_person_id",
            "not_found",
            "no such person",
        ));
    }
    Ok(())
}

async fn load_visible(
    state: &AppState,
    scoped: &Scoped,
    id: String,
) -> Result<EnterpriseRow, ApiError> {
    let row = state
        .read(move |conn| Ok(enterprise::find(conn, &id)?))
        .await?
        .ok_or(ApiError::NotFound)?;
    scoped.check(row.grid_id.as_deref())?;
    Ok(row)
}

/// Enterprises in the caller's scope (unassigned ones are zone-wide only).
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(PageQuery, ("grid_id" = Option<String>, Query, description = "Only this grid's enterprises")),
    responses(
        (status = 200, body = EnterprisePage),
        doc::List,
    )
)]
#[get("/enterprises")]
pub async fn list_enterprises(
    state: web::Data<AppState>,
    scoped: Scoped,
    page: web::Query<PageQuery>,
    filter: web::Query<GridIdQuery>,
) -> Result<HttpResponse, ApiError> {
    page.validate()?;
    let store_filter = EnterpriseFilter {
        grid_id: filter.into_inner().grid_id,
        within: scoped.scope.grid_ids().map(<[String]>::to_vec),
        include_archived: false,
    };
    let fetch = page.fetch();
    let cursor = page.cursor.clone();
    let rows = state
        .read(move |conn| {
            Ok(enterprise::page(
                conn,
                &store_filter,
                cursor.as_deref(),
                fetch,
            )?)
        })
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(EnterprisePage {
        items: rows.iter().map(EnterpriseView::from).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize)]
pub struct GridIdQuery {
    pub grid_id: Option<String>,
}

/// One enterprise, with what its basic record still misses.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = EnterpriseView, headers(("ETag" = String))),
        doc::ReadOne,
    )
)]
#[get("/enterprises/{id}")]
pub async fn get_enterprise(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = load_visible(&state, &scoped, id.into_inner()).await?;
    Ok(respond(&row, HttpResponse::Ok()))
}

/// Register an enterprise. Callers below zone level must place it in an area grid of their scope.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    request_body = EnterpriseInput,
    responses(
        (status = 201, body = EnterpriseView, headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/enterprises")]
pub async fn create_enterprise(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    body: web::Json<EnterpriseInput>,
) -> Result<HttpResponse, ApiError> {
    scoped.caller.require(Permission::EditEnterprises)?;
    body.validate()?;
    let now = time::to_db(time::now());
    let mut row = EnterpriseRow::new("", now);
    apply(&mut row, body.into_inner())?;
    let Scoped { caller, scope } = scoped;
    let row = state
        .transaction(move |conn| {
            check_references(conn, &row, None, &scope)?;
            enterprise::insert(conn, &row)?;
            AuditEvent::new(AuditAction::EnterpriseCreate, Outcome::Success)
                .by(&caller)
                .on("enterprise", &row.id)
                .detail(serde_json::json!({ "name": row.name, "uscc": row.uscc, "grid_id": row.grid_id }))
                .write(conn, &origin)?;
            Ok(row)
        })
        .await?;
    let created = super::created(&format!("{API_PREFIX}/enterprises/{}", row.id));
    Ok(respond(&row, created))
}

/// Update an enterprise record (information collection).
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = EnterpriseInput,
    responses(
        (status = 200, body = EnterpriseView, headers(("ETag" = String))),
        doc::Update,
    )
)]
#[patch("/enterprises/{id}")]
pub async fn update_enterprise(
    req: HttpRequest,
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: web::Path<String>,
    body: web::Json<EnterpriseInput>,
) -> Result<HttpResponse, ApiError> {
    let current = load_visible(&state, &scoped, id.into_inner()).await?;
    scoped.caller.require(Permission::EditEnterprises)?;
    body.validate()?;
    check_if_match(&req, current.version)?;
    let mut next = current.clone();
    let changed = apply(&mut next, body.into_inner())?;
    next.updated_at = time::to_db(time::now());
    next.version += 1;
    let Scoped { caller, scope } = scoped;
    let saved = state
        .transaction(move |conn| {
            check_references(conn, &next, Some(&current), &scope)?;
            if !enterprise::update(conn, &next)? {
                return Err(ApiError::PreconditionFailed);
            }
            AuditEvent::new(AuditAction::EnterpriseUpdate, Outcome::Success)
                .by(&caller)
                .on("enterprise", &next.id)
                .detail(serde_json::json!({ "changed": changed }))
                .write(conn, &origin)?;
            Ok(next)
        })
        .await?;
    Ok(respond(&saved, HttpResponse::Ok()))
}
