DROP INDEX inspections_inspector_idx;
DROP TABLE organisation_members;
DROP TABLE organisations;
