-- Department work made visible: who reported in for each department a case
-- went to, and which department acted in a timeline entry (report-in, notes,
-- steps taken by department staff). Existing rows are filled from the
-- timeline and the acting accounts' departments.
ALTER TABLE case_departments ADD COLUMN reported_in_by TEXT REFERENCES users (id);
ALTER TABLE case_timeline ADD COLUMN department_code TEXT REFERENCES departments (code);
UPDATE case_timeline SET department_code = (
    SELECT u.department_code FROM users u WHERE u.id = case_timeline.actor_id
) WHERE actor_role = 'department_staff';
UPDATE case_departments SET reported_in_by = (
    SELECT t.actor_id FROM case_timeline t
    WHERE t.case_id = case_departments.case_id
      AND t.action = 'report_in'
      AND t.department_code = case_departments.department_code
    ORDER BY t.id LIMIT 1
) WHERE reported_in_at IS NOT NULL;
