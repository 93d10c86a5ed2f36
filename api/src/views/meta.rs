//! Codes with their Chinese and English labels.

use gridwork_domain::Role;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::enterprise::{HazardFlag, INDUSTRY_SECTIONS};
use gridwork_domain::grid::GridKind;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Label {
    /// The stable code sent and accepted by the API.
    #[schema(example = "grid_leader")]
    pub code: String,
    #[schema(example = "网格长")]
    pub label_zh: &'static str,
    #[schema(example = "Grid leader")]
    pub label_en: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Codes {
    /// Account roles.
    pub roles: Vec<Label>,
    /// Grid kinds.
    pub grid_kinds: Vec<Label>,
    /// Roles of people on a grid (assignments).
    pub grid_roles: Vec<Label>,
    /// Enterprise hazard flags.
    pub hazard_flags: Vec<Label>,
    /// GB/T 4754-2017 industry sections.
    pub industry_sections: Vec<Label>,
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
        }
    }
}
