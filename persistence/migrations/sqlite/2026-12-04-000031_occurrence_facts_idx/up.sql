-- Who did an occurrence kept on it, and an index holding everything the
-- inspection KPIs read: see the PostgreSQL migration of the same name.
ALTER TABLE inspection_occurrences ADD COLUMN done_by TEXT REFERENCES users (id);
-- the backfill changes nothing a device syncs: kept out of the sync log
DROP TRIGGER inspection_occurrences_sync_update;
UPDATE inspection_occurrences
   SET done_by = (SELECT inspector_id FROM inspections WHERE inspections.id = inspection_occurrences.inspection_id)
 WHERE inspection_id IS NOT NULL;
CREATE TRIGGER inspection_occurrences_sync_update AFTER UPDATE ON inspection_occurrences BEGIN
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at)
        SELECT 'occurrences', OLD.id, OLD.grid_id, NULL, CURRENT_TIMESTAMP WHERE OLD.grid_id IS NOT NEW.grid_id;
    INSERT INTO sync_changes (entity, entity_id, grid_id, department_code, changed_at) VALUES ('occurrences', NEW.id, NEW.grid_id, NULL, CURRENT_TIMESTAMP);
END;
CREATE INDEX inspection_occurrences_facts_idx
    ON inspection_occurrences (closes_at, grid_id, state, on_time, assignee_user_id, done_by);
DROP INDEX inspection_occurrences_closes_idx;
