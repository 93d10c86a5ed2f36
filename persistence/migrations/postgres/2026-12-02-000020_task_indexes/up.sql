-- The indexes "my tasks" reads each kind of work through, in due order.
CREATE INDEX hazards_responsible_idx ON hazards (responsible_person_id, rectify_due_at, id);
CREATE INDEX hazards_enterprise_idx ON hazards (enterprise_id, rectify_due_at, id);
CREATE INDEX cases_assignee_due_idx ON cases (assignee_id, resolve_due_at, id);
CREATE INDEX cases_reporter_closed_idx ON cases (reporter_id, state, closed_at, id);
CREATE INDEX disputes_mediator_follow_up_idx ON disputes (mediator_id, follow_up_on, id);
CREATE INDEX enterprises_grid_verified_idx ON enterprises (grid_id, last_verified_at, id);
