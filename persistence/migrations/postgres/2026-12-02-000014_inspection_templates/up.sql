-- Inspection templates (检查表): the template with its latest version, and
-- every version's content (items with their failure rules, as JSON), so a
-- submission can always be read against the version it was filled in.
CREATE TABLE inspection_templates (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    item_count INTEGER NOT NULL,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE inspection_template_versions (
    template_id TEXT NOT NULL REFERENCES inspection_templates (id),
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (template_id, version)
);
