ALTER TABLE cases DROP COLUMN hazard_id;
DROP TABLE hazards;
DROP TABLE inspections;
