-- With a read replica (GRIDWORK_DATABASE_READ_URL), when each account last
-- wrote, stamped after the write committed: its reads go to the replica
-- only once the replica holds everything committed before that moment, so
-- an account always reads its own writes back. One row per account.
CREATE TABLE read_fences (
    user_id TEXT PRIMARY KEY NOT NULL,
    wrote_at TIMESTAMP NOT NULL
);
