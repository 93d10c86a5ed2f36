ALTER TABLE people DROP COLUMN placard_phone_consent_at;
ALTER TABLE people DROP COLUMN placard_phone_consent;
