//! Visits to enterprises (走访): record one, list an enterprise's.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use gridwork_domain::EnterpriseId;
use gridwork_persistence::time;

use crate::app::visits::{self, CreateVisit};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::{PageQuery, time_and_id, time_and_id_at};
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::visits::{VisitPage, VisitView};

/// Record a visit to an enterprise (走访): when, what for, what was found,
/// photos and where. It verifies the enterprise's record (`last_verified_at`).
/// A visit recorded offline carries its own UUIDv7 `id`: sending it again
/// answers the same visit with 200; other content under that id answers
/// 409 `visit_exists`.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    request_body = CreateVisit,
    responses(
        (status = 201, description = "Recorded; `Location` names the enterprise's visits", body = VisitView,
            headers(("Location" = String))),
        (status = 200, description = "The same offline visit sent again", body = VisitView,
            headers(("Location" = String))),
        doc::CreateUnder,
    )
)]
#[post("/enterprises/{id}/visits")]
pub async fn create_visit(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<EnterpriseId>,
    body: Json<CreateVisit>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let recorded = visits::create(conn, &scoped, &origin, &id, &body, now)?;
            let location = format!("{API_PREFIX}/enterprises/{id}/visits");
            let status = if recorded.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(Reply::json(status, &VisitView::from(&recorded.visit))?
                .header(header::LOCATION, location))
        })
        .await
}

/// An enterprise's visits, latest first.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = VisitPage), doc::ListUnder)
)]
#[get("/enterprises/{id}/visits")]
pub async fn list_visits(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<EnterpriseId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let after = page.after.as_deref().map(time_and_id_at).transpose()?;
    let fetch = page.fetch;
    let rows = state
        .run(move |conn| visits::list(conn, &scoped, &id, after, fetch))
        .await?;
    let (rows, next_cursor) =
        page.finish(rows, |v| time_and_id(v.row.visited_at, v.row.id.as_str()));
    Ok(HttpResponse::Ok().json(VisitPage {
        items: rows.iter().map(VisitView::from).collect(),
        next_cursor,
    }))
}
