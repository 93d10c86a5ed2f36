//! Codes and their Chinese and English labels, for apps to display. Public:
//! they hold no personal data.

use actix_web::{HttpResponse, get};

use crate::views::meta::{Codes, RoleLabels, role_labels};

/// The account roles with their labels.
#[utoipa::path(tag = "meta", responses((status = 200, body = RoleLabels)))]
#[get("/meta/roles")]
pub async fn roles() -> HttpResponse {
    HttpResponse::Ok().json(RoleLabels(role_labels()))
}

/// Every code list of the API with its labels.
#[utoipa::path(tag = "meta", responses((status = 200, body = Codes)))]
#[get("/meta/codes")]
pub async fn codes() -> HttpResponse {
    HttpResponse::Ok().json(Codes::all())
}
