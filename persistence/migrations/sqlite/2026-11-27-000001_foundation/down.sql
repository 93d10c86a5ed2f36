DROP TABLE settings;
DROP TABLE login_attempts;
DROP TABLE audit_log;
DROP TABLE refresh_tokens;
DROP TABLE users;
