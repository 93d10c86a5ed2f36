//! Codes with their Chinese and English labels.

use gridwork_domain::Role;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::enterprise::{HazardFlag, INDUSTRY_SECTIONS, RecordField};
use gridwork_domain::grid::GridKind;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Label {
    /// The stable code sent and accepted by the API.
    #[schema(max_length = 64, max_length = 64, example = "grid_leader")]
    pub code: String,
    #[schema(max_length = 100, max_length = 100, example = "网格长")]
    pub label_zh: &'static str,
    #[schema(max_length = 100, max_length = 100, example = "Grid leader")]
    pub label_en: &'static str,
}

/// The account roles with their labels: one per role.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct RoleLabels(pub Vec<Label>);

impl utoipa::PartialSchema for RoleLabels {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{ArrayBuilder, Ref};
        ArrayBuilder::new()
            .items(Ref::from_schema_name("Label"))
            .min_items(Some(Role::ALL.len()))
            .max_items(Some(Role::ALL.len()))
            .build()
            .into()
    }
}

impl ToSchema for RoleLabels {}

#[derive(Debug, Serialize, ToSchema)]
pub struct Codes {
    /// Account roles.
    #[schema(min_items = 9, max_items = 9)]
    pub roles: Vec<Label>,
    /// Grid kinds.
    #[schema(min_items = 4, max_items = 4)]
    pub grid_kinds: Vec<Label>,
    /// Roles of people on a grid (assignments).
    #[schema(min_items = 5, max_items = 5)]
    pub grid_roles: Vec<Label>,
    /// Enterprise hazard flags.
    #[schema(min_items = 7, max_items = 7)]
    pub hazard_flags: Vec<Label>,
    /// GB/T 4754-2017 industry sections.
    #[schema(min_items = 20, max_items = 20)]
    pub industry_sections: Vec<Label>,
    /// The fields of an enterprise's basic record (`basic_info.missing`).
    #[schema(min_items = 8, max_items = 8)]
    pub record_fields: Vec<Label>,
}

fn label(code: impl Into<String>, label_zh: &'static str, label_en: &'static str) -> Label {
    Label {
        code: code.into(),
        label_zh,
        label_en,
    }
}

pub fn role_labels() -> Vec<Label> {
    Role::ALL
        .into_iter()
        .map(|r| label(r.code(), r.label_zh(), r.label_en()))
        .collect()
}

impl Codes {
    /// Every code list of the API.
    pub fn all() -> Codes {
        Codes {
            roles: role_labels(),
            grid_kinds: GridKind::ALL
                .into_iter()
                .map(|k| label(k.code(), k.label_zh(), k.label_en()))
                .collect(),
            grid_roles: GridRole::ALL
                .into_iter()
                .map(|r| label(r.code(), r.label_zh(), r.label_en()))
                .collect(),
            hazard_flags: HazardFlag::ALL
                .into_iter()
                .map(|f| label(f.code(), f.label_zh(), f.label_en()))
                .collect(),
            industry_sections: INDUSTRY_SECTIONS
                .iter()
                .map(|(c, zh, en)| label(c.to_string(), zh, en))
                .collect(),
            record_fields: RecordField::ALL
                .into_iter()
                .map(|f| label(f.code(), f.label_zh(), f.label_en()))
                .collect(),
        }
    }
}
