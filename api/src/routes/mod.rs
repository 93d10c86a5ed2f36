//! The route table: one module per area, each with its handlers and their
//! request/response types. `configure` is the single place paths are mounted.

use actix_web::HttpRequest;
use actix_web::http::header;
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::error::ApiError;

pub mod assignments;
pub mod audit_log;
pub mod auth;
pub mod enterprises;
pub mod grids;
pub mod health;
pub mod meta;
pub mod people;
pub mod placards;
pub mod stats;
pub mod users;

pub const API_PREFIX: &str = "/api/v1";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            scope(API_PREFIX)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(users::me)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::get_user)
                .service(users::update_user)
                .service(audit_log::list_audit_log)
                // `locate` before `{id}`: actix matches in registration order
                .service(grids::locate_grid)
                .service(grids::list_grids)
                .service(grids::create_grid)
                .service(grids::get_grid)
                .service(grids::update_grid)
                .service(grids::archive_grid)
                .service(grids::grid_children)
                .service(enterprises::list_enterprises)
                .service(enterprises::create_enterprise)
                .service(enterprises::get_enterprise)
                .service(enterprises::update_enterprise)
                .service(people::list_people)
                .service(people::create_person)
                .service(people::get_person)
                .service(people::update_person)
                .service(assignments::list_assignments)
                .service(assignments::create_assignment)
                .service(assignments::end_assignment)
                .service(placards::preview_placard)
                .service(placards::publish_placard)
                .service(placards::unpublish_placard)
                .service(placards::rotate_placard_token)
                .service(placards::print_placard)
                .service(placards::public_placard)
                .service(placards::placard_qr)
                .service(stats::coverage)
                .service(meta::roles)
                .service(meta::codes),
        );
}

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;

/// Page size of keyset-paged lists.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[validate(length(min = 1, max = 64))]
    pub cursor: Option<String>,
}

impl PageQuery {
    /// Rows to fetch: one more than the page, to know whether another follows.
    pub fn fetch(&self) -> i64 {
        i64::from(self.limit.unwrap_or(DEFAULT_PAGE).min(MAX_PAGE)) + 1
    }
}

/// Cuts the extra row off and returns the cursor of the next page.
pub fn paginate<T>(
    mut rows: Vec<T>,
    fetched: i64,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let page = usize::try_from(fetched - 1).unwrap_or(0);
    if rows.len() > page {
        rows.truncate(page);
        let next = rows.last().map(key);
        (rows, next)
    } else {
        (rows, None)
    }
}

/// The ETag of a record version: `"<version>"`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// `If-Match` is optional; when given it must name the current version.
pub fn check_if_match(req: &HttpRequest, current: i32) -> Result<(), ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(());
    };
    let value = value.to_str().map_err(|_| ApiError::PreconditionFailed)?;
    let matches = value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag(current));
    if matches {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed)
    }
}

/// For PATCH fields that may be cleared: absent → None, `null` → Some(None).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Trims text input; blank becomes None.
pub fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// 201 Created with `Location` naming the new record.
pub fn created(location: &str) -> actix_web::HttpResponseBuilder {
    let mut builder = actix_web::HttpResponse::Created();
    builder.insert_header((header::LOCATION, location.to_owned()));
    builder
}
