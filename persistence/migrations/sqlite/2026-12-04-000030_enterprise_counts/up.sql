-- Kept counts of active enterprises per grid, for the coverage rates: see
-- the PostgreSQL migration of the same name. grid_id '' counts the
-- enterprises in no grid.
CREATE TABLE enterprise_counts (
    grid_id TEXT PRIMARY KEY NOT NULL,
    active INTEGER NOT NULL,
    incomplete INTEGER NOT NULL
);

CREATE TRIGGER enterprise_counts_insert AFTER INSERT ON enterprises
WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO enterprise_counts (grid_id, active, incomplete)
    VALUES (COALESCE(NEW.grid_id, ''), 1,
        NEW.uscc IS NULL OR NEW.industry_section IS NULL
        OR NEW.employee_count IS NULL OR NEW.address IS NULL OR NEW.lat IS NULL
        OR NEW.lng IS NULL OR NEW.principal_person_id IS NULL
        OR NEW.production_characteristics IS NULL)
    ON CONFLICT (grid_id) DO UPDATE
       SET active = active + 1, incomplete = incomplete + excluded.incomplete;
END;

CREATE TRIGGER enterprise_counts_remove AFTER UPDATE ON enterprises
WHEN OLD.archived_at IS NULL
BEGIN
    UPDATE enterprise_counts
       SET active = active - 1,
           incomplete = incomplete - (OLD.uscc IS NULL OR OLD.industry_section IS NULL
               OR OLD.employee_count IS NULL OR OLD.address IS NULL OR OLD.lat IS NULL
               OR OLD.lng IS NULL OR OLD.principal_person_id IS NULL
               OR OLD.production_characteristics IS NULL)
     WHERE grid_id = COALESCE(OLD.grid_id, '');
END;

-- an update removes the old row's counts and adds the new one's; the two
-- commute, so the order SQLite fires them in does not matter
CREATE TRIGGER enterprise_counts_add AFTER UPDATE ON enterprises
WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO enterprise_counts (grid_id, active, incomplete)
    VALUES (COALESCE(NEW.grid_id, ''), 1,
        NEW.uscc IS NULL OR NEW.industry_section IS NULL
        OR NEW.employee_count IS NULL OR NEW.address IS NULL OR NEW.lat IS NULL
        OR NEW.lng IS NULL OR NEW.principal_person_id IS NULL
        OR NEW.production_characteristics IS NULL)
    ON CONFLICT (grid_id) DO UPDATE
       SET active = active + 1, incomplete = incomplete + excluded.incomplete;
END;

CREATE TRIGGER enterprise_counts_delete AFTER DELETE ON enterprises
WHEN OLD.archived_at IS NULL
BEGIN
    UPDATE enterprise_counts
       SET active = active - 1,
           incomplete = incomplete - (OLD.uscc IS NULL OR OLD.industry_section IS NULL
               OR OLD.employee_count IS NULL OR OLD.address IS NULL OR OLD.lat IS NULL
               OR OLD.lng IS NULL OR OLD.principal_person_id IS NULL
               OR OLD.production_characteristics IS NULL)
     WHERE grid_id = COALESCE(OLD.grid_id, '');
END;

INSERT INTO enterprise_counts (grid_id, active, incomplete)
SELECT COALESCE(grid_id, ''), count(*),
       sum(uscc IS NULL OR industry_section IS NULL OR employee_count IS NULL
           OR address IS NULL OR lat IS NULL OR lng IS NULL
           OR principal_person_id IS NULL OR production_characteristics IS NULL)
  FROM enterprises
 WHERE archived_at IS NULL
 GROUP BY 1;
