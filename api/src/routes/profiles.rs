//! Enterprise profiles (动态档案): the current version, any earlier one,
//! the history of changes, and replacing it with `If-Match`.

use actix_web::{HttpResponse, get, put, web};
use gridwork_domain::profile::Profile;
use gridwork_domain::{EnterpriseId, Permission};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::profiles;
use crate::app::{Origin, Scoped};
use crate::http::ApiError;
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::paging::number_at;
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::state::AppState;
use crate::views::profiles::{ProfileHistoryPage, ProfileVersionView, ProfileView};

/// Key personnel's phones in full for those who manage people.
fn full_phone(scoped: &Scoped) -> bool {
    scoped.caller.has(Permission::ManagePeople)
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileQuery {
    /// An earlier version (its number from the history); the latest when
    /// absent.
    #[validate(range(min = 0))]
    #[param(minimum = 0, maximum = 2_147_483_647)]
    pub version: Option<i32>,
}

/// An enterprise's dynamic profile (人、地、事、物): head count by kind,
/// key personnel, places, fire equipment, special equipment with its
/// inspection dates, hazardous chemicals. Version 0 (ETag `"0"`) is the
/// empty profile of an enterprise nobody described yet.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), ProfileQuery),
    responses(
        (status = 200, body = ProfileView, headers(("ETag" = String))),
        doc::ListUnder,
    )
)]
#[get("/enterprises/{id}/profile")]
pub async fn get_profile(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<EnterpriseId>,
    Listing { filter, .. }: Listing<ProfileQuery>,
) -> Result<HttpResponse, ApiError> {
    let full = full_phone(&scoped);
    let version = state
        .run(move |conn| profiles::find(conn, &scoped, &id, filter.version))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        version.version,
        &ProfileView::new(&version, full),
    ))
}

/// Replace an enterprise's profile (information collection). Every change
/// makes a new version with who and when; sending the current content again
/// changes nothing and answers it. Refusals name the entry, e.g.
/// `special_equipment[2].name`.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IfMatchHeader),
    request_body = Profile,
    responses(
        (status = 200, body = ProfileView, headers(("ETag" = String))),
        doc::Update,
    )
)]
#[put("/enterprises/{id}/profile")]
pub async fn put_profile(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<EnterpriseId>,
    body: Json<Profile>,
) -> Result<HttpResponse, ApiError> {
    let full = full_phone(&scoped);
    let version = state
        .run(move |conn| profiles::put(conn, &scoped, &origin, &id, &expected, body.into_inner()))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        version.version,
        &ProfileView::new(&version, full),
    ))
}

/// The versions of an enterprise's profile, newest first, each with what
/// changed from the one before, who and when.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = ProfileHistoryPage), doc::ListUnder)
)]
#[get("/enterprises/{id}/profile/history")]
pub async fn profile_history(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<EnterpriseId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let full = full_phone(&scoped);
    let before = page.after.as_deref().map(number_at).transpose()?;
    let fetch = page.fetch;
    let versions = state
        .run(move |conn| profiles::history(conn, &scoped, &id, before, fetch))
        .await?;
    let (versions, next_cursor) = page.finish(versions, |v| v.version.to_string());
    Ok(HttpResponse::Ok().json(ProfileHistoryPage {
        items: versions
            .iter()
            .map(|v| ProfileVersionView::new(v, full))
            .collect(),
        next_cursor,
    }))
}
