//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;

use crate::app::AppError;
use crate::http::ApiError;
use crate::http::problems as doc;
use crate::state::AppState;
use crate::views::health::Health;

/// Liveness: the process is up. Never touches the database.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        database: None,
    })
}

/// Readiness: the database answers a query within the pool's checkout timeout.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, body = Health), (status = 503, response = doc::ServiceUnavailable))
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let backend = state
        .run(|conn| {
            // whatever the failure, the answer is "not ready", never a 500
            conn.batch_execute("SELECT 1")
                .map_err(|e| AppError::Unavailable(e.to_string()))?;
            Ok(match conn {
                gridwork_persistence::DbConnection::Postgresql(_) => "PostgreSQL",
                gridwork_persistence::DbConnection::Sqlite(_) => "SQLite",
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        database: Some(backend.to_owned()),
    }))
}
