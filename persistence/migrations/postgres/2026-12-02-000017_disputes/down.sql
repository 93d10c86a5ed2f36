DROP TABLE dispute_sessions;
DROP TABLE disputes;
