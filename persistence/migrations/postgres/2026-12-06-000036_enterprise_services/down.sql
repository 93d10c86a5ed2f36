DROP INDEX case_timeline_action_idx;
DROP TABLE service_requests;
DROP TABLE enterprise_accounts;
