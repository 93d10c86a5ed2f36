DROP TRIGGER enterprise_counts_keep ON enterprises;
DROP FUNCTION enterprise_counts_keep();
DROP FUNCTION enterprise_incomplete(enterprises);
DROP TABLE enterprise_counts;
