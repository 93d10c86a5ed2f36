DROP INDEX cases_open_due_idx;
ALTER TABLE cases DROP COLUMN overdue_escalated;
