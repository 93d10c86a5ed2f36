//! The route table: one module per area, each with its handlers and their
//! request/response types. `configure` is the single place paths are mounted.

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub mod audit_log;
pub mod auth;
pub mod health;
pub mod meta;
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
                .service(meta::roles),
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
