DROP INDEX enterprises_grid_verified_idx;
DROP INDEX disputes_mediator_follow_up_idx;
DROP INDEX cases_reporter_closed_idx;
DROP INDEX cases_assignee_due_idx;
DROP INDEX hazards_enterprise_idx;
DROP INDEX hazards_responsible_idx;
