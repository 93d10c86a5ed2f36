-- Accounts an enterprise holds: users who act for it (its staff), beside
-- its principal.
CREATE TABLE enterprise_accounts (
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, user_id)
);
CREATE INDEX enterprise_accounts_user_idx ON enterprise_accounts (user_id);

-- The enterprise-service cases (enterprise_service.*) about an enterprise,
-- with the stage of its life it asked at; the case holds everything else.
CREATE TABLE service_requests (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    stage TEXT NOT NULL
);
-- an enterprise's requests, newest first (case ids are UUIDv7)
CREATE INDEX service_requests_enterprise_idx ON service_requests (enterprise_id, case_id);

INSERT INTO service_requests (case_id, enterprise_id, stage)
SELECT id, enterprise_id, 'production' FROM cases
WHERE enterprise_id IS NOT NULL
  AND (category_code = 'enterprise_service' OR category_code LIKE 'enterprise\_service.%' ESCAPE '\');

-- the dashboard's latest escalations, newest first
CREATE INDEX case_timeline_action_idx ON case_timeline (action, occurred_at);
