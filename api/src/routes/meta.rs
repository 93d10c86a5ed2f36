//! Codes and their Chinese and English labels, for apps to display.

use actix_web::{HttpResponse, get};
use gridwork_domain::Role;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Label {
    pub code: Role,
    pub label_zh: &'static str,
    pub label_en: &'static str,
}

/// The user roles with their labels. Public: it holds no personal data.
#[utoipa::path(tag = "meta", responses((status = 200, body = Vec<Label>)))]
#[get("/meta/roles")]
pub async fn roles() -> HttpResponse {
    let labels: Vec<Label> = Role::ALL
        .into_iter()
        .map(|r| Label {
            code: r,
            label_zh: r.label_zh(),
            label_en: r.label_en(),
        })
        .collect();
    HttpResponse::Ok().json(labels)
}
