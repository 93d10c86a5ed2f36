ALTER TABLE case_timeline DROP COLUMN department_code;
ALTER TABLE case_departments DROP COLUMN reported_in_by;
