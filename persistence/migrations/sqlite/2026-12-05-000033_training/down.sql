DROP TABLE training_records;
DROP TABLE training_sessions;
DROP TABLE training_courses;
