DROP TABLE case_timeline;
DROP TABLE case_departments;
DROP TABLE cases;
