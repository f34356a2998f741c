-- Row-level security is PostgreSQL's (see the PostgreSQL migration of the same version); the
-- embedded database has one process and one tenant scope per statement, so nothing changes
-- here. The version exists on both backends so that their migration lists stay the same.
select 1;
