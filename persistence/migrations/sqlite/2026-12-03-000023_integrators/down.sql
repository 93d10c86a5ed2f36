DROP INDEX audit_log_integrator_idx;
ALTER TABLE audit_log DROP COLUMN actor_integrator_id;
DROP TABLE enrolments;
DROP TABLE integrator_keys;
DROP TABLE integrators;
