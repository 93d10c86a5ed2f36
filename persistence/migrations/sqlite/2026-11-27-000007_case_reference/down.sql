ALTER TABLE users DROP COLUMN department_code;
DROP TABLE calendar_days;
DROP TABLE case_categories;
DROP TABLE departments;
