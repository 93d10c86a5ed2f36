CREATE INDEX inspection_occurrences_closes_idx ON inspection_occurrences (closes_at);
DROP INDEX inspection_occurrences_facts_idx;
ALTER TABLE inspection_occurrences DROP COLUMN done_by;
