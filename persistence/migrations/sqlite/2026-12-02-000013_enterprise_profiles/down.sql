DROP INDEX attachments_owner_idx;
ALTER TABLE attachments DROP COLUMN owner_id;
ALTER TABLE attachments DROP COLUMN owner_type;
DROP TABLE enterprise_visits;
DROP INDEX enterprises_verified_idx;
ALTER TABLE enterprises DROP COLUMN last_verified_at;
DROP TABLE enterprise_profiles;
