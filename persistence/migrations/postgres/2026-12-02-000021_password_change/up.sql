-- Set when an admin chose the password (a new account, a reset): the holder
-- must choose their own before doing anything else.
ALTER TABLE users ADD COLUMN password_change_required BOOLEAN NOT NULL DEFAULT FALSE;
