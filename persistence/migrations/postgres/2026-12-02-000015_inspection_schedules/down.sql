DROP TABLE inspection_occurrences;
DROP TABLE inspection_schedules;
