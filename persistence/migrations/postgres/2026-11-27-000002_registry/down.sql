DROP TABLE assignments;
ALTER TABLE enterprises DROP CONSTRAINT enterprises_grid_fk;
ALTER TABLE enterprises DROP CONSTRAINT enterprises_principal_fk;
DROP TABLE people;
DROP TABLE grids;
DROP TABLE enterprises;
