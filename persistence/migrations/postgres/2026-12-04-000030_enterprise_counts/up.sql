-- The coverage rates counted every enterprise of the subtree on each
-- request (100k rows at province scale, 30-70 ms a count). Kept counts per
-- grid make them a sum over grids. A trigger keeps them, so every write
-- path (the API, imports, COPY) counts, in the writer's transaction; each
-- write touches only its own grid's row, so writers in different grids
-- never wait for each other.
--
-- A record is incomplete when a required field of the basic record is NULL
-- (blanks are stored as NULL): the rule of persistence::enterprise::complete.
-- grid_id '' counts the enterprises in no grid.
CREATE TABLE enterprise_counts (
    grid_id TEXT PRIMARY KEY,
    active INTEGER NOT NULL,
    incomplete INTEGER NOT NULL
);

CREATE FUNCTION enterprise_incomplete(e enterprises) RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN e.uscc IS NULL OR e.industry_section IS NULL
        OR e.employee_count IS NULL OR e.address IS NULL OR e.lat IS NULL
        OR e.lng IS NULL OR e.principal_person_id IS NULL
        OR e.production_characteristics IS NULL THEN 1 ELSE 0 END
$$;

CREATE FUNCTION enterprise_counts_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.archived_at IS NULL THEN
        UPDATE enterprise_counts
           SET active = active - 1, incomplete = incomplete - enterprise_incomplete(OLD)
         WHERE grid_id = COALESCE(OLD.grid_id, '');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.archived_at IS NULL THEN
        INSERT INTO enterprise_counts (grid_id, active, incomplete)
        VALUES (COALESCE(NEW.grid_id, ''), 1, enterprise_incomplete(NEW))
        ON CONFLICT (grid_id) DO UPDATE
           SET active = enterprise_counts.active + 1,
               incomplete = enterprise_counts.incomplete + EXCLUDED.incomplete;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER enterprise_counts_keep AFTER INSERT OR UPDATE OR DELETE ON enterprises
FOR EACH ROW EXECUTE FUNCTION enterprise_counts_keep();

INSERT INTO enterprise_counts (grid_id, active, incomplete)
SELECT COALESCE(e.grid_id, ''), count(*), sum(enterprise_incomplete(e))
  FROM enterprises e
 WHERE e.archived_at IS NULL
 GROUP BY 1;
