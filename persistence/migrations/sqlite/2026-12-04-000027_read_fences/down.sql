DROP TABLE read_fences;
