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
-- SQLite has one writer at a time: numbers given inside a write transaction
-- are in commit order already.
CREATE TABLE sync_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    grid_id TEXT,
    department_code TEXT,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX sync_changes_grid_idx ON sync_changes (grid_id, seq);
CREATE INDEX sync_changes_department_idx ON sync_changes (department_code, seq);
CREATE INDEX sync_changes_record_idx ON sync_changes (entity_id, seq);

CREATE TRIGGER cases_sync_insert AFTER INSERT ON cases BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('cases', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER cases_sync_update AFTER UPDATE ON cases BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'cases', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP WHERE OLD.grid_id IS NOT NEW.grid_id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('cases', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER cases_sync_delete AFTER DELETE ON cases BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('cases', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'cases', id, grid_id, NULL, CURRENT_TIMESTAMP FROM cases;

CREATE TRIGGER case_departments_sync_insert AFTER INSERT ON case_departments BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('cases', NEW.case_id, NULL, NEW.department_code, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER case_departments_sync_update AFTER UPDATE ON case_departments BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'cases', OLD.case_id, NULL, OLD.department_code, CURRENT_TIMESTAMP WHERE OLD.department_code IS NOT NEW.department_code;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('cases', NEW.case_id, NULL, NEW.department_code, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER case_departments_sync_delete AFTER DELETE ON case_departments BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('cases', OLD.case_id, NULL, OLD.department_code, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'cases', case_id, NULL, department_code, CURRENT_TIMESTAMP FROM case_departments;

CREATE TRIGGER hazards_sync_insert AFTER INSERT ON hazards BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('hazards', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER hazards_sync_update AFTER UPDATE ON hazards BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'hazards', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP WHERE OLD.grid_id IS NOT NEW.grid_id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('hazards', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER hazards_sync_delete AFTER DELETE ON hazards BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('hazards', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'hazards', id, grid_id, NULL, CURRENT_TIMESTAMP FROM hazards;

CREATE TRIGGER inspection_occurrences_sync_insert AFTER INSERT ON inspection_occurrences BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('occurrences', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER inspection_occurrences_sync_update AFTER UPDATE ON inspection_occurrences BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'occurrences', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP WHERE OLD.grid_id IS NOT NEW.grid_id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('occurrences', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER inspection_occurrences_sync_delete AFTER DELETE ON inspection_occurrences BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('occurrences', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'occurrences', id, grid_id, NULL, CURRENT_TIMESTAMP FROM inspection_occurrences;

CREATE TRIGGER disputes_sync_insert AFTER INSERT ON disputes BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('disputes', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER disputes_sync_update AFTER UPDATE ON disputes BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'disputes', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP WHERE OLD.grid_id IS NOT NEW.grid_id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('disputes', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER disputes_sync_delete AFTER DELETE ON disputes BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('disputes', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'disputes', id, grid_id, NULL, CURRENT_TIMESTAMP FROM disputes;

CREATE TRIGGER policies_sync_insert AFTER INSERT ON policies BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('policies', NEW.id, NULL, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER policies_sync_update AFTER UPDATE ON policies BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'policies', OLD.id, NULL, NULL, CURRENT_TIMESTAMP WHERE 0;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('policies', NEW.id, NULL, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER policies_sync_delete AFTER DELETE ON policies BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('policies', OLD.id, NULL, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'policies', id, NULL, NULL, CURRENT_TIMESTAMP FROM policies;

CREATE TRIGGER grids_sync_insert AFTER INSERT ON grids BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('grids', NEW.id, NEW.id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER grids_sync_update AFTER UPDATE ON grids BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'grids', OLD.id, OLD.id, NULL, CURRENT_TIMESTAMP WHERE OLD.id IS NOT NEW.id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('grids', NEW.id, NEW.id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER grids_sync_delete AFTER DELETE ON grids BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('grids', OLD.id, OLD.id, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'grids', id, id, NULL, CURRENT_TIMESTAMP FROM grids;

CREATE TRIGGER enterprises_sync_insert AFTER INSERT ON enterprises BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('enterprises', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER enterprises_sync_update AFTER UPDATE ON enterprises BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'enterprises', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP WHERE OLD.grid_id IS NOT NEW.grid_id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('enterprises', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER enterprises_sync_delete AFTER DELETE ON enterprises BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('enterprises', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'enterprises', id, grid_id, NULL, CURRENT_TIMESTAMP FROM enterprises;

CREATE TRIGGER people_sync_insert AFTER INSERT ON people BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('people', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER people_sync_update AFTER UPDATE ON people BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'people', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP WHERE OLD.grid_id IS NOT NEW.grid_id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('people', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER people_sync_delete AFTER DELETE ON people BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('people', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'people', id, grid_id, NULL, CURRENT_TIMESTAMP FROM people;

CREATE TRIGGER assignments_sync_insert AFTER INSERT ON assignments BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('people', NEW.person_id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER assignments_sync_update AFTER UPDATE ON assignments BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'people', OLD.person_id, OLD.grid_id, NULL, CURRENT_TIMESTAMP WHERE OLD.grid_id IS NOT NEW.grid_id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('people', NEW.person_id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE TRIGGER assignments_sync_delete AFTER DELETE ON assignments BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('people', OLD.person_id, OLD.grid_id, NULL, CURRENT_TIMESTAMP);
END;
INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
    SELECT 'people', person_id, grid_id, NULL, CURRENT_TIMESTAMP FROM assignments;
