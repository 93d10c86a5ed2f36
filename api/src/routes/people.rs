//! People: grid staff, enterprise principals, anyone a placard names.
//! Mobile numbers are masked (138****1234) for callers without
//! people-management rights; ID numbers are never stored or returned in full.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::Permission;
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_domain::person::{IdCardNumber, MobilePhone, PersonName, WorkPhone, mask_phone};
use gridwork_persistence::person::{self, PersonRow};
use gridwork_persistence::{DbConnection, grid, time, user};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;
use validator::Validate;

use super::{API_PREFIX, PageQuery, check_if_match, clean, etag, nullable, paginate};
use crate::audit::{AuditEvent, RequestOrigin};
use crate::auth::Scoped;
use crate::error::{ApiError, FieldError};
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct IdCard {
    /// Last four characters only.
    #[schema(example = "002X")]
    pub last4: String,
    #[schema(example = "**************002X")]
    pub masked: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    #[schema(example = "张亚超")]
    pub name: String,
    /// In full for callers with people-management rights, else `138****1234`.
    #[schema(example = "138****1234")]
    pub mobile: Option<String>,
    /// True when `mobile` is masked for this caller.
    pub mobile_masked: bool,
    /// Office number, shown in full (and on placards).
    pub work_phone: Option<String>,
    pub id_card: Option<IdCard>,
    pub party_member: bool,
    pub user_id: Option<String>,
    pub grid_id: Option<String>,
    /// Consent to be shown on public placards, and when it was given.
    pub placard_consent: bool,
    pub placard_consent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl PersonView {
    pub fn new(row: &PersonRow, full_phone: bool) -> PersonView {
        PersonView {
            id: row.id.clone(),
            name: row.name.clone(),
            mobile: row.mobile.as_deref().map(|m| {
                if full_phone {
                    m.to_owned()
                } else {
                    mask_phone(m)
                }
            }),
            mobile_masked: row.mobile.is_some() && !full_phone,
            work_phone: row.work_phone.clone(),
            id_card: row.id_card_last4.as_ref().map(|last4| IdCard {
                last4: last4.clone(),
                masked: IdCardNumber::masked_from_last4(last4),
            }),
            party_member: row.party_member,
            user_id: row.user_id.clone(),
            grid_id: row.grid_id.clone(),
            placard_consent: row.placard_consent,
            placard_consent_at: row.placard_consent_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonView>,
    pub next_cursor: Option<String>,
}

/// Fields of a person. On update, absent fields stay and `null` clears.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[schema(example = "张亚超")]
    pub name: Option<String>,
    /// Mainland mobile number.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "13800001234")]
    pub mobile: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "0394-8123456")]
    pub work_phone: Option<Option<String>>,
    /// Resident ID number (GB 11643); only a keyed hash and the last 4 are kept.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub id_card_number: Option<Option<String>>,
    pub party_member: Option<bool>,
    /// Links the person to a login account.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Option<String>>,
    /// The grid the person is registered in.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub grid_id: Option<Option<String>>,
    /// Consent to appear on public placards; recorded with its time.
    pub placard_consent: Option<bool>,
}

fn id_card_hash(key: &[u8], id: &IdCardNumber) -> Result<String, ApiError> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key).map_err(|e| ApiError::Internal(e.to_string()))?;
    mac.update(id.expose().as_bytes());
    Ok(mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Applies `input` to `row`; returns the names of changed fields (never values).
pub fn apply(
    row: &mut PersonRow,
    input: PersonInput,
    pii_key: &[u8],
) -> Result<Vec<&'static str>, ApiError> {
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    if let Some(name) = input.name {
        match PersonName::parse(&name) {
            Ok(n) => row.name = n.as_str().to_owned(),
            Err(e) => errors.push(FieldError::new("name", "invalid", e)),
        }
        changed.push("name");
    }
    if let Some(mobile) = input.mobile {
        match clean(mobile).map(|m| MobilePhone::parse(&m)).transpose() {
            Ok(m) => row.mobile = m.map(|m| m.as_str().to_owned()),
            Err(e) => errors.push(FieldError::new("mobile", "invalid_mobile", e)),
        }
        changed.push("mobile");
    }
    if let Some(phone) = input.work_phone {
        match clean(phone).map(|p| WorkPhone::parse(&p)).transpose() {
            Ok(p) => row.work_phone = p.map(|p| p.as_str().to_owned()),
            Err(e) => errors.push(FieldError::new("work_phone", "invalid_phone", e)),
        }
        changed.push("work_phone");
    }
    if let Some(id) = input.id_card_number {
        match clean(id).map(|i| IdCardNumber::parse(&i)).transpose() {
            Ok(Some(id)) => {
                row.id_card_hash = Some(id_card_hash(pii_key, &id)?);
                row.id_card_last4 = Some(id.last4().to_owned());
            }
            Ok(None) => (row.id_card_hash, row.id_card_last4) = (None, None),
            Err(e) => errors.push(FieldError::new("id_card_number", "invalid_id_card", e)),
        }
        changed.push("id_card_number");
    }
    if let Some(member) = input.party_member {
        row.party_member = member;
        changed.push("party_member");
    }
    if let Some(user) = input.user_id {
        row.user_id = clean(user);
        changed.push("user_id");
    }
    if let Some(grid) = input.grid_id {
        row.grid_id = clean(grid);
        changed.push("grid_id");
    }
    if let Some(consent) = input.placard_consent {
        if consent != row.placard_consent {
            row.placard_consent = consent;
            row.placard_consent_at = consent.then_some(row.updated_at);
        }
        changed.push("placard_consent");
    }
    if row.name.is_empty() && !errors.iter().any(|e| e.field == "name") {
        errors.push(FieldError::new(
            "name",
            "required",
            "must be 1 to 50 characters",
        ));
    }
    if errors.is_empty() {
        Ok(changed)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The grid must be in scope; the ID number and the account unused by anyone else.
pub fn check_references(
    conn: &mut DbConnection,
    row: &PersonRow,
    scope: &gridwork_domain::Scope,
) -> Result<(), ApiError> {
    match &row.grid_id {
        Some(id) => {
            grid::find(conn, id)?
                .filter(|g| g.archived_at.is_none() && scope.covers(Some(&g.id)))
                .ok_or_else(|| ApiError::validation("grid_id", "not_found", "no such grid"))?;
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
    if let Some(hash) = &row.id_card_hash
        && person::find_by_id_card_hash(conn, hash)?.is_some_and(|other| other.id != row.id)
    {
        return Err(ApiError::conflict(
            "person_exists",
            "A person with this ID number is registered already.",
        ));
    }
    if let Some(user_id) = &row.user_id {
        if user::find(conn, user_id)?.is_none() {
            return Err(ApiError::validation("user_id", "not_found", "no such user"));
        }
        if person::find_by_user(conn, user_id)?.is_some_and(|other| other.id != row.id) {
            return Err(ApiError::conflict(
                "user_linked",
                "This account is linked to another person.",
            ));
        }
    }
    Ok(())
}

/// Linking a login account to a person is identity administration: zone level only.
fn check_account_link(scoped: &Scoped, input: &PersonInput) -> Result<(), ApiError> {
    if input.user_id.is_some() && !scoped.caller.has(Permission::ZoneWide) {
        return Err(ApiError::Forbidden);
    }
    Ok(())
}

/// True when the person is registered in or assigned to a grid in scope.
async fn visible(state: &AppState, scoped: &Scoped, row: &PersonRow) -> Result<bool, ApiError> {
    let Some(ids) = scoped.scope.grid_ids().map(<[String]>::to_vec) else {
        return Ok(true);
    };
    let id = row.id.clone();
    Ok(state
        .read(move |conn| Ok(person::ids_in_grids(conn, &ids)?))
        .await?
        .contains(&id))
}

async fn load_visible(
    state: &AppState,
    scoped: &Scoped,
    id: String,
) -> Result<PersonRow, ApiError> {
    let row = state
        .read(move |conn| Ok(person::find(conn, &id)?))
        .await?
        .ok_or(ApiError::NotFound)?;
    if visible(state, scoped, &row).await? {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

fn respond(
    row: &PersonRow,
    scoped: &Scoped,
    mut builder: actix_web::HttpResponseBuilder,
) -> HttpResponse {
    let full = scoped.caller.has(Permission::ManagePeople);
    builder
        .insert_header((header::ETAG, etag(row.version)))
        .json(PersonView::new(row, full))
}

/// People registered in or assigned to grids in the caller's scope.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = PersonPage),
        doc::List,
    )
)]
#[get("/people")]
pub async fn list_people(
    state: web::Data<AppState>,
    scoped: Scoped,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    page.validate()?;
    let fetch = page.fetch();
    let cursor = page.cursor.clone();
    let grids = scoped.scope.grid_ids().map(<[String]>::to_vec);
    let rows = state
        .read(move |conn| {
            let within = grids.map(|g| person::ids_in_grids(conn, &g)).transpose()?;
            Ok(person::page(
                conn,
                within.as_deref(),
                cursor.as_deref(),
                fetch,
            )?)
        })
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.id.clone());
    let full = scoped.caller.has(Permission::ManagePeople);
    Ok(HttpResponse::Ok().json(PersonPage {
        items: rows.iter().map(|r| PersonView::new(r, full)).collect(),
        next_cursor,
    }))
}

/// One person.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = PersonView, headers(("ETag" = String))),
        doc::ReadOne,
    )
)]
#[get("/people/{id}")]
pub async fn get_person(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = load_visible(&state, &scoped, id.into_inner()).await?;
    Ok(respond(&row, &scoped, HttpResponse::Ok()))
}

/// Register a person (people-management rights). Callers below zone level
/// register people in a grid of their scope.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    request_body = PersonInput,
    responses(
        (status = 201, body = PersonView, headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/people")]
pub async fn create_person(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    body: web::Json<PersonInput>,
) -> Result<HttpResponse, ApiError> {
    scoped.caller.require(Permission::ManagePeople)?;
    let body = body.into_inner();
    check_account_link(&scoped, &body)?;
    let now = time::to_db(time::now());
    let mut row = PersonRow::new("", now);
    apply(&mut row, body, &state.pii_key)?;
    let scope = scoped.scope.clone();
    let caller = scoped.caller.clone();
    let row = state
        .transaction(move |conn| {
            check_references(conn, &row, &scope)?;
            person::insert(conn, &row)?;
            AuditEvent::new(AuditAction::PersonCreate, Outcome::Success)
                .by(&caller)
                .on("person", &row.id)
                .detail(serde_json::json!({ "name": row.name, "grid_id": row.grid_id }))
                .write(conn, &origin)?;
            Ok(row)
        })
        .await?;
    let created = super::created(&format!("{API_PREFIX}/people/{}", row.id));
    Ok(respond(&row, &scoped, created))
}

/// Change a person (people-management rights).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = PersonInput,
    responses(
        (status = 200, body = PersonView, headers(("ETag" = String))),
        doc::Update,
    )
)]
#[patch("/people/{id}")]
pub async fn update_person(
    req: HttpRequest,
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: web::Path<String>,
    body: web::Json<PersonInput>,
) -> Result<HttpResponse, ApiError> {
    let current = load_visible(&state, &scoped, id.into_inner()).await?;
    scoped.caller.require(Permission::ManagePeople)?;
    let body = body.into_inner();
    check_account_link(&scoped, &body)?;
    check_if_match(&req, current.version)?;
    let mut next = current.clone();
    next.updated_at = time::to_db(time::now());
    let changed = apply(&mut next, body, &state.pii_key)?;
    next.version += 1;
    let scope = scoped.scope.clone();
    let caller = scoped.caller.clone();
    let saved = state
        .transaction(move |conn| {
            check_references(conn, &next, &scope)?;
            if !person::update(conn, &next)? {
                return Err(ApiError::PreconditionFailed);
            }
            AuditEvent::new(AuditAction::PersonUpdate, Outcome::Success)
                .by(&caller)
                .on("person", &next.id)
                .detail(serde_json::json!({ "changed": changed }))
                .write(conn, &origin)?;
            Ok(next)
        })
        .await?;
    Ok(respond(&saved, &scoped, HttpResponse::Ok()))
}
