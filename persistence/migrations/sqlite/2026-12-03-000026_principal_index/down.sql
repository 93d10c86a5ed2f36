DROP INDEX enterprises_principal_idx;
