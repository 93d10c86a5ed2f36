DROP TABLE integrator_cases;
