-- The deadlines whose passing already moved a case up the ladder
-- (`accept`, `report_in`, `resolve`, comma-separated): each escalates once.
ALTER TABLE cases ADD COLUMN overdue_escalated TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_open_due_idx ON cases (state, resolve_due_at);
