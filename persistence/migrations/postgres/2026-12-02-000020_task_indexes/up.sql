-- The indexes "my tasks" reads each kind of work through, in due order.
CREATE INDEX hazards_responsible_idx ON hazards (responsible_person_id, rectify_due_at, id);
CREATE INDEX hazards_enterprise_idx ON hazards (enterprise_id, rectify_due_at, id);
CREATE INDEX cases_assignee_due_idx ON cases (assignee_id, resolve_due_at, id);
CREATE INDEX cases_reporter_closed_idx ON cases (reporter_id, state, closed_at, id);
CREATE INDEX disputes_mediator_follow_up_idx ON disputes (mediator_id, follow_up_on, id);
CREATE INDEX enterprises_grid_verified_idx ON enterprises (grid_id, last_verified_at, id);
-- Queues by state and deadline end with the id: many cases share one
-- deadline (a working day's end), and without the id every one of them
-- would be sorted to find a page's first rows.
DROP INDEX cases_accept_due_idx;
CREATE INDEX cases_accept_due_idx ON cases (state, accept_due_at, id);
DROP INDEX cases_open_due_idx;
CREATE INDEX cases_open_due_idx ON cases (state, resolve_due_at, id);
DROP INDEX hazards_state_idx;
CREATE INDEX hazards_state_idx ON hazards (state, rectify_due_at, id);
