DROP INDEX cases_reported_idx;
