DROP TABLE assignments;
DROP TABLE people;
DROP TABLE grids;
DROP TABLE enterprises;
