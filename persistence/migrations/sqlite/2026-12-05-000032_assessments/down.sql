DROP TABLE scorecards;
DROP TABLE assessment_months;
DROP TABLE assessment_schemes;
