//! The three 100% rates (三个100%), computed live for the caller's scope or a
//! subtree of it, with the gaps that keep each below 100 %.

use actix_web::{HttpResponse, get, web};
use gridwork_domain::GridId;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::{self, Scoped};
use crate::http::ApiError;
use crate::http::problems as doc;
use crate::state::AppState;
use crate::views::stats::Coverage;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// Measure this grid and everything below it.
    #[param(value_type = Option<String>)]
    pub grid_id: Option<GridId>,
}

/// The three 100% rates for the caller's scope, or one grid's subtree.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    params(CoverageQuery),
    responses(
        (status = 200, body = Coverage),
        doc::ReadOne,
    )
)]
#[get("/stats/coverage")]
pub async fn coverage(
    state: web::Data<AppState>,
    scoped: Scoped,
    query: web::Query<CoverageQuery>,
) -> Result<HttpResponse, ApiError> {
    let root = query.into_inner().grid_id;
    let measured = state
        .run(move |conn| app::coverage::measure(conn, &scoped, root.as_ref()))
        .await?;
    Ok(HttpResponse::Ok().json(Coverage::from(measured)))
}
