-- Lists read each way of seeing cases and each part of the overdue filter
-- as its own keyset scan (persistence/src/case.rs): reported cases past
-- acceptance, cases by assignee and by enterprise (for its principal),
-- need their own indexes.
CREATE INDEX cases_accept_due_idx ON cases (state, accept_due_at);
CREATE INDEX cases_assignee_idx ON cases (assignee_id, id);
CREATE INDEX cases_enterprise_idx ON cases (enterprise_id, id);
