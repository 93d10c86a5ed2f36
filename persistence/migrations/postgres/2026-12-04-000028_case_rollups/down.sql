DROP TABLE case_rollup_days;
DROP TABLE case_rollups;
