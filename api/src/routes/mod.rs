//! The route table: one module per area, each with thin handlers (extract →
//! call a command → respond), their query types and OpenAPI annotations.
//! `configure` is the single place paths are mounted.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::http::API_PREFIX;

pub mod access_tokens;
pub mod assessments;
pub mod assignments;
pub mod attachments;
pub mod audit_log;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod dashboard;
pub mod disputes;
pub mod enrolments;
pub mod enterprise_services;
pub mod enterprises;
pub mod exports;
pub mod grids;
pub mod health;
pub mod inspection_schedules;
pub mod inspection_templates;
pub mod inspections;
pub mod integrators;
pub mod meta;
pub mod open311;
pub mod organisations;
pub mod party;
pub mod people;
pub mod placards;
pub mod policies;
pub mod profiles;
pub mod reference;
pub mod stats;
pub mod sync;
pub mod talks;
pub mod tasks;
pub mod training;
pub mod users;
pub mod visits;
pub mod webhooks;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            scope("/open311/v2")
                .service(open311::discovery)
                .service(open311::services)
                .service(open311::service_definition)
                .service(open311::post_request)
                .service(open311::get_requests)
                .service(open311::get_request)
                .service(open311::get_token)
                .service(open311::request_updates),
        )
        .service(
            scope(API_PREFIX)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(users::me)
                .service(users::change_password)
                .service(access_tokens::create_access_token)
                .service(access_tokens::list_access_tokens)
                .service(access_tokens::get_access_token)
                .service(access_tokens::revoke_access_token)
                .service(integrators::create_integrator)
                .service(integrators::list_integrators)
                .service(integrators::get_integrator)
                .service(integrators::update_integrator)
                .service(integrators::rotate_integrator_key)
                .service(integrators::revoke_integrator_key)
                .service(enrolments::enrol_rider)
                .service(enrolments::list_own_enrolments)
                .service(enrolments::get_own_enrolment)
                .service(enrolments::withdraw_enrolment)
                .service(enrolments::rider_token)
                .service(enrolments::list_enrolments)
                .service(enrolments::get_enrolment)
                .service(enrolments::approve_enrolment)
                .service(enrolments::refuse_enrolment)
                .service(webhooks::subscribe)
                .service(webhooks::list_webhooks)
                .service(webhooks::get_webhook)
                .service(webhooks::remove_webhook)
                .service(webhooks::list_deliveries)
                .service(webhooks::redeliver)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::get_user)
                .service(users::update_user)
                .service(audit_log::list_audit_log)
                // `locate` before `{id}`: actix matches in registration order
                .service(grids::locate_grid)
                .service(dashboard::grids_geojson)
                .service(dashboard::show_dashboard)
                .service(dashboard::dashboard_link)
                .service(grids::list_grids)
                .service(grids::create_grid)
                .service(grids::get_grid)
                .service(grids::update_grid)
                .service(grids::archive_grid)
                .service(grids::grid_children)
                // exports before the `{id}` routes of their collections
                .service(exports::export_enterprises)
                .service(exports::export_people)
                .service(exports::export_cases)
                .service(exports::export_inspections)
                .service(exports::export_hazards)
                .service(exports::export_scorecards)
                .service(enterprises::list_enterprises)
                .service(enterprises::create_enterprise)
                .service(enterprises::get_enterprise)
                .service(enterprises::update_enterprise)
                .service(enterprise_services::add_enterprise_account)
                .service(enterprise_services::list_enterprise_accounts)
                .service(enterprise_services::remove_enterprise_account)
                .service(enterprise_services::get_enterprise_services)
                .service(profiles::get_profile)
                .service(profiles::put_profile)
                .service(profiles::profile_history)
                .service(visits::create_visit)
                .service(visits::list_visits)
                .service(organisations::create_organisation)
                .service(organisations::list_organisations)
                .service(organisations::add_organisation_member)
                .service(organisations::list_organisation_members)
                .service(organisations::organisation_contributions)
                .service(party::create_branch)
                .service(party::list_branches)
                .service(party::get_branch)
                .service(party::add_member)
                .service(party::list_members)
                .service(party::add_candidate)
                .service(party::list_candidates)
                .service(party::add_activity)
                .service(party::list_activities)
                .service(party::party_stats)
                .service(training::create_course)
                .service(training::list_courses)
                .service(training::get_course)
                .service(training::create_session)
                .service(training::list_sessions)
                .service(training::create_record)
                .service(training::person_training)
                .service(training::my_training)
                .service(training::training_stats)
                .service(assessments::list_scorecards)
                .service(assessments::close_month)
                .service(assessments::list_schemes)
                .service(assessments::get_scheme)
                .service(assessments::get_scheme_version)
                .service(assessments::update_scheme)
                .service(inspection_templates::list_templates)
                .service(inspection_templates::create_template)
                .service(inspection_templates::get_template)
                .service(inspection_templates::get_template_version)
                .service(inspection_templates::update_template)
                .service(inspection_schedules::create_schedule)
                .service(inspection_schedules::list_schedules)
                .service(inspection_schedules::get_schedule)
                .service(inspection_schedules::end_schedule)
                .service(inspection_schedules::list_occurrences)
                .service(inspections::create_inspection)
                .service(inspections::list_inspections)
                .service(inspections::get_inspection)
                .service(inspections::list_hazards)
                .service(inspections::get_hazard)
                .service(inspections::start_hazard)
                .service(inspections::rectify_hazard)
                .service(inspections::verify_hazard)
                .service(inspections::reopen_hazard)
                .service(disputes::create_dispute)
                .service(disputes::list_disputes)
                .service(disputes::get_dispute)
                .service(disputes::add_session)
                .service(disputes::close_dispute)
                .service(talks::record_talk)
                .service(talks::list_talks)
                .service(talks::get_talk)
                .service(tasks::my_tasks)
                .service(sync::delta_sync)
                .service(policies::publish_policy)
                .service(policies::list_policies)
                .service(policies::get_policy)
                .service(policies::acknowledge_policy)
                .service(policies::record_briefing)
                .service(policies::list_briefings)
                .service(policies::policy_reach)
                .service(people::list_people)
                .service(people::create_person)
                .service(people::get_person)
                .service(people::update_person)
                .service(assignments::list_assignments)
                .service(assignments::create_assignment)
                .service(assignments::end_assignment)
                .service(placards::preview_placard)
                .service(placards::publish_placard)
                .service(placards::unpublish_placard)
                .service(placards::rotate_placard_token)
                .service(placards::print_placard)
                .service(placards::print_placards)
                .service(placards::placard_print_link)
                .service(placards::placards_print_link)
                .service(placards::public_placard)
                .service(placards::placard_qr)
                .service(reference::list_departments)
                .service(reference::create_department)
                .service(reference::get_department)
                .service(reference::update_department)
                .service(reference::list_categories)
                .service(reference::create_category)
                .service(reference::get_category)
                .service(reference::update_category)
                .service(attachments::upload_attachment)
                .service(attachments::get_attachment)
                .service(cases::create_case)
                .service(cases::list_cases)
                .service(cases::list_case_summaries)
                .service(cases::get_case)
                .service(cases::case_timeline)
                .service(cases::add_case_note)
                .service(cases::accept_case)
                .service(cases::reject_case)
                .service(cases::dispatch_case)
                .service(cases::report_in_case)
                .service(cases::start_case)
                .service(cases::hold_case)
                .service(cases::resume_case)
                .service(cases::resolve_case)
                .service(cases::verify_case)
                .service(cases::rework_case)
                .service(cases::escalate_case)
                .service(cases::merge_case)
                .service(cases::evaluate_case)
                .service(calendar::list_days)
                .service(calendar::put_day)
                .service(calendar::remove_day)
                .service(stats::case_stats)
                .service(stats::inspection_stats)
                .service(stats::dispute_stats)
                .service(stats::coverage_gaps)
                .service(stats::coverage)
                .service(meta::roles)
                .service(meta::codes),
        );
}
