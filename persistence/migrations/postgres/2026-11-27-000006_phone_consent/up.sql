-- Consent to print a person's mobile number on placards: separate from the
-- consent to appear (PIPL asks for a separate, specific consent), with its time.
ALTER TABLE people ADD COLUMN placard_phone_consent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE people ADD COLUMN placard_phone_consent_at TIMESTAMP;
