//! Codes with their Chinese and English labels.

use gridwork_domain::assignment::GridRole;
use gridwork_domain::enterprise::{HazardFlag, INDUSTRY_SECTIONS, RecordField};
use gridwork_domain::grid::GridKind;
use gridwork_domain::{
    Role, case, dispute, hazard, inspection, policy, profile, schedule, task, visit,
};
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
    #[schema(min_items = 11, max_items = 11)]
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
    /// Where a case stands.
    #[schema(min_items = 11, max_items = 11)]
    pub case_states: Vec<Label>,
    /// What may be done to a case.
    #[schema(min_items = 13, max_items = 13)]
    pub case_actions: Vec<Label>,
    /// Case severities (分级响应).
    #[schema(min_items = 3, max_items = 3)]
    pub severities: Vec<Label>,
    /// The rungs of the escalation ladder.
    #[schema(min_items = 4, max_items = 4)]
    pub case_levels: Vec<Label>,
    /// Who found the problem.
    #[schema(min_items = 7, max_items = 7)]
    pub case_sources: Vec<Label>,
    /// Evaluations of a closed case.
    #[schema(min_items = 3, max_items = 3)]
    pub satisfaction: Vec<Label>,
    /// How a case stands against its deadline.
    #[schema(min_items = 3, max_items = 3)]
    pub deadline_statuses: Vec<Label>,
    /// Who may read a timeline entry.
    #[schema(min_items = 2, max_items = 2)]
    pub visibilities: Vec<Label>,
    /// Dates of the working calendar that break the plain week.
    #[schema(min_items = 2, max_items = 2)]
    pub day_kinds: Vec<Label>,
    /// Duties of an enterprise's key personnel (profile).
    #[schema(min_items = 4, max_items = 4)]
    pub key_roles: Vec<Label>,
    /// Kinds of an enterprise's places (profile).
    #[schema(min_items = 7, max_items = 7)]
    pub place_kinds: Vec<Label>,
    /// Fire equipment (profile).
    #[schema(min_items = 7, max_items = 7)]
    pub fire_equipment_kinds: Vec<Label>,
    /// Special equipment under statutory inspection (profile).
    #[schema(min_items = 6, max_items = 6)]
    pub special_equipment_kinds: Vec<Label>,
    /// Units of stored chemicals (profile).
    #[schema(min_items = 4, max_items = 4)]
    pub quantity_units: Vec<Label>,
    /// What a visit to an enterprise was for.
    #[schema(min_items = 6, max_items = 6)]
    pub visit_purposes: Vec<Label>,
    /// What an item of an inspection template asks for.
    #[schema(min_items = 5, max_items = 5)]
    pub inspection_item_kinds: Vec<Label>,
    /// How grave a hazard is.
    #[schema(min_items = 2, max_items = 2)]
    pub hazard_severities: Vec<Label>,
    /// Where an occurrence of an inspection schedule stands.
    #[schema(min_items = 4, max_items = 4)]
    pub occurrence_states: Vec<Label>,
    /// Where a hazard's rectification stands.
    #[schema(min_items = 4, max_items = 4)]
    pub hazard_states: Vec<Label>,
    /// The steps of a hazard's rectification.
    #[schema(min_items = 4, max_items = 4)]
    pub hazard_actions: Vec<Label>,
    /// Where a dispute stands.
    #[schema(min_items = 2, max_items = 2)]
    pub dispute_states: Vec<Label>,
    /// How a mediation ended.
    #[schema(min_items = 4, max_items = 4)]
    pub dispute_outcomes: Vec<Label>,
    /// The sides of a dispute's parties.
    #[schema(min_items = 3, max_items = 3)]
    pub party_sides: Vec<Label>,
    /// The risk a heart-to-heart talk left.
    #[schema(min_items = 3, max_items = 3)]
    pub risk_levels: Vec<Label>,
    /// Which level of government issued a policy.
    #[schema(min_items = 4, max_items = 4)]
    pub policy_source_levels: Vec<Label>,
    /// The kinds of work on "my tasks".
    #[schema(min_items = 12, max_items = 12)]
    pub task_kinds: Vec<Label>,
    /// The kinds of record `GET /api/v1/sync` carries.
    #[schema(min_items = 9, max_items = 9)]
    pub sync_types: Vec<Label>,
    /// What a scorecard measures.
    #[schema(min_items = 8, max_items = 8)]
    pub assessment_indicators: Vec<Label>,
    /// Whose scorecards: workers, grids, departments.
    #[schema(min_items = 3, max_items = 3)]
    pub assessment_levels: Vec<Label>,
    /// What a scorecard's total calls for.
    #[schema(min_items = 2, max_items = 2)]
    pub assessment_flags: Vec<Label>,
    /// When a training course is taken.
    #[schema(min_items = 3, max_items = 3)]
    pub course_kinds: Vec<Label>,
    /// A party member's standing in a branch.
    #[schema(min_items = 3, max_items = 3)]
    pub party_roles: Vec<Label>,
    /// The kinds of social organisation.
    #[schema(min_items = 4, max_items = 4)]
    pub organisation_kinds: Vec<Label>,
    /// The life-cycle stages of enterprise service requests.
    #[schema(min_items = 3, max_items = 3)]
    pub service_stages: Vec<Label>,
    /// What colours the dashboard's map and `GET /grids.geojson`.
    #[schema(min_items = 8, max_items = 8)]
    pub dashboard_figures: Vec<Label>,
}

/// The labels of every value of a closed set.
macro_rules! labels {
    ($set:ty) => {
        <$set>::ALL
            .into_iter()
            .map(|v| label(v.code(), v.label_zh(), v.label_en()))
            .collect()
    };
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
            record_fields: labels!(RecordField),
            case_states: labels!(case::CaseState),
            case_actions: labels!(case::CaseAction),
            severities: labels!(case::Severity),
            case_levels: labels!(case::Level),
            case_sources: labels!(case::Source),
            satisfaction: labels!(case::Satisfaction),
            deadline_statuses: labels!(case::deadline::DeadlineStatus),
            visibilities: labels!(case::Visibility),
            day_kinds: labels!(case::calendar::DayKind),
            key_roles: labels!(profile::KeyRole),
            place_kinds: labels!(profile::PlaceKind),
            fire_equipment_kinds: labels!(profile::FireEquipmentKind),
            special_equipment_kinds: labels!(profile::SpecialEquipmentKind),
            quantity_units: labels!(profile::QuantityUnit),
            visit_purposes: labels!(visit::VisitPurpose),
            inspection_item_kinds: labels!(inspection::ItemKind),
            hazard_severities: labels!(inspection::HazardSeverity),
            occurrence_states: labels!(schedule::OccurrenceState),
            hazard_states: labels!(hazard::HazardState),
            hazard_actions: labels!(hazard::HazardAction),
            dispute_states: labels!(dispute::DisputeState),
            dispute_outcomes: labels!(dispute::DisputeOutcome),
            party_sides: labels!(dispute::PartySide),
            risk_levels: labels!(dispute::RiskLevel),
            policy_source_levels: labels!(policy::SourceLevel),
            task_kinds: labels!(task::TaskKind),
            sync_types: labels!(gridwork_domain::sync::SyncType),
            assessment_indicators: labels!(gridwork_domain::assessment::Indicator),
            assessment_levels: labels!(gridwork_domain::assessment::AssessmentLevel),
            assessment_flags: labels!(gridwork_domain::assessment::Flag),
            course_kinds: labels!(gridwork_domain::training::CourseKind),
            party_roles: labels!(gridwork_domain::party::PartyRole),
            organisation_kinds: labels!(gridwork_domain::organisation::OrganisationKind),
            service_stages: labels!(gridwork_domain::enterprise_service::ServiceStage),
            dashboard_figures: labels!(gridwork_domain::dashboard::Figure),
        }
    }
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::*;

    /// The spec promises each list's exact size; they must match the sets.
    #[test]
    fn every_code_list_has_the_size_the_spec_states() {
        let lists = serde_json::to_value(Codes::all()).unwrap();
        let schema = serde_json::to_value(Codes::schema()).unwrap();
        let properties = schema["properties"].as_object().unwrap();
        assert_eq!(properties.len(), lists.as_object().unwrap().len());
        for (name, property) in properties {
            let len = lists[name].as_array().unwrap().len() as u64;
            assert_eq!(property["maxItems"].as_u64(), Some(len), "{name}");
            assert_eq!(property["minItems"].as_u64(), Some(len), "{name}");
        }
    }
}
