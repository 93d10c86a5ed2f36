DROP TABLE policy_briefings;
DROP TABLE policy_acknowledgements;
DROP TABLE policy_grids;
DROP TABLE policies;
