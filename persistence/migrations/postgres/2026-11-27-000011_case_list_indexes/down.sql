DROP INDEX cases_enterprise_idx;
DROP INDEX cases_assignee_idx;
DROP INDEX cases_accept_due_idx;
