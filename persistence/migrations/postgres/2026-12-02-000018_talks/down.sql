DROP TABLE talks;
