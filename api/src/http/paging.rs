//! Keyset paging: a page size and the cursor of the previous page.

use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

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
