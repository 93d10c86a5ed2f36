-- Delta sync (GET /api/v1/sync): every insert, update or delete of a record
-- apps keep offline appends a row naming the record and the audience it
-- concerns (a grid, or a department for a case dispatched to it; neither for
-- records every caller may be shown, filtered when read). A record that moves
-- to another grid, or off a department, also gets a row for the audience it
-- left, so callers there learn to drop it. `seq` follows commit order: a
-- client that has read up to n never misses a row below n committed later.
-- The sweeper deletes rows superseded by a later row for the same record and
-- audience, so the log stays about one row per record: a full sync is a
-- delta from 0.
CREATE SEQUENCE sync_seq;
CREATE TABLE sync_changes (
    seq BIGINT PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    grid_id TEXT,
    department_code TEXT,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX sync_changes_grid_idx ON sync_changes (grid_id, seq);
CREATE INDEX sync_changes_department_idx ON sync_changes (department_code, seq);
CREATE INDEX sync_changes_record_idx ON sync_changes (entity_id, seq);

-- Numbers are taken at commit (the triggers are deferred) under a lock held
-- until the commit ends, so one transaction at a time numbers and commits: a
-- lower number never becomes visible after a higher one. Only the commit's
-- tail is serialised, not the transactions.
CREATE FUNCTION sync_note(p_entity TEXT, p_id TEXT, p_grid TEXT, p_department TEXT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7301022);
    INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    VALUES (nextval('sync_seq'), p_entity, p_id, p_grid, p_department, now() AT TIME ZONE 'utc');
END $$;

-- TG_ARGV: the entity, its id column, its grid column and its department
-- column ('' for none).
CREATE FUNCTION sync_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o jsonb;
    n jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
    IF o IS NOT NULL AND (n IS NULL
        OR (o ->> TG_ARGV[2]) IS DISTINCT FROM (n ->> TG_ARGV[2])
        OR (o ->> TG_ARGV[3]) IS DISTINCT FROM (n ->> TG_ARGV[3])) THEN
        PERFORM sync_note(TG_ARGV[0], o ->> TG_ARGV[1], o ->> TG_ARGV[2], o ->> TG_ARGV[3]);
    END IF;
    IF n IS NOT NULL THEN
        PERFORM sync_note(TG_ARGV[0], n ->> TG_ARGV[1], n ->> TG_ARGV[2], n ->> TG_ARGV[3]);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER cases_sync AFTER INSERT OR UPDATE OR DELETE ON cases
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('cases', 'id', 'grid_id', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'cases', id, grid_id, NULL, now() AT TIME ZONE 'utc' FROM cases;

CREATE CONSTRAINT TRIGGER case_departments_sync AFTER INSERT OR UPDATE OR DELETE ON case_departments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('cases', 'case_id', '', 'department_code');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'cases', case_id, NULL, department_code, now() AT TIME ZONE 'utc' FROM case_departments;

CREATE CONSTRAINT TRIGGER hazards_sync AFTER INSERT OR UPDATE OR DELETE ON hazards
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('hazards', 'id', 'grid_id', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'hazards', id, grid_id, NULL, now() AT TIME ZONE 'utc' FROM hazards;

CREATE CONSTRAINT TRIGGER inspection_occurrences_sync AFTER INSERT OR UPDATE OR DELETE ON inspection_occurrences
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('occurrences', 'id', 'grid_id', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'occurrences', id, grid_id, NULL, now() AT TIME ZONE 'utc' FROM inspection_occurrences;

CREATE CONSTRAINT TRIGGER disputes_sync AFTER INSERT OR UPDATE OR DELETE ON disputes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('disputes', 'id', 'grid_id', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'disputes', id, grid_id, NULL, now() AT TIME ZONE 'utc' FROM disputes;

CREATE CONSTRAINT TRIGGER policies_sync AFTER INSERT OR UPDATE OR DELETE ON policies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('policies', 'id', '', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'policies', id, NULL, NULL, now() AT TIME ZONE 'utc' FROM policies;

CREATE CONSTRAINT TRIGGER grids_sync AFTER INSERT OR UPDATE OR DELETE ON grids
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('grids', 'id', 'id', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'grids', id, id, NULL, now() AT TIME ZONE 'utc' FROM grids;

CREATE CONSTRAINT TRIGGER enterprises_sync AFTER INSERT OR UPDATE OR DELETE ON enterprises
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('enterprises', 'id', 'grid_id', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'enterprises', id, grid_id, NULL, now() AT TIME ZONE 'utc' FROM enterprises;

CREATE CONSTRAINT TRIGGER people_sync AFTER INSERT OR UPDATE OR DELETE ON people
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('people', 'id', 'grid_id', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'people', id, grid_id, NULL, now() AT TIME ZONE 'utc' FROM people;

CREATE CONSTRAINT TRIGGER assignments_sync AFTER INSERT OR UPDATE OR DELETE ON assignments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION sync_row('people', 'person_id', 'grid_id', '');
INSERT INTO sync_changes (seq, entity, entity_id, grid_id, department_code, changed_at)
    SELECT nextval('sync_seq'), 'people', person_id, grid_id, NULL, now() AT TIME ZONE 'utc' FROM assignments;
