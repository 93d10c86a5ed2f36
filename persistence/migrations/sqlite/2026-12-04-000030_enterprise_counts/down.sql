DROP TRIGGER enterprise_counts_insert;
DROP TRIGGER enterprise_counts_remove;
DROP TRIGGER enterprise_counts_add;
DROP TRIGGER enterprise_counts_delete;
DROP TABLE enterprise_counts;
