-- Issue 9: two roles. ledgerbridge_analyst reads the report views and the staged mirrors, nothing else (not the
-- token store, not the outbox, never a write). ledgerbridge_pipeline is what the DAGs need: read and write every
-- table of the schema ledgerbridge, its sequences, temporary tables (matching uses them). Schema changes stay
-- with the owner that runs `make migrate`.
--
-- Roles belong to the whole server, not to one database: several ledgerbridge databases on one server (the tests
-- make one each, at the same time) all run this. So a role is created only when missing, and a concurrent creator
-- winning the race is not an error. The grants are on this database's objects and are repeated (idempotently) by
-- ledgerbridge.migrate after every later migration (include/sql/roles/grant.sql), so tables added later follow.
-- The roles cannot log in: grant them to login roles (GRANT ledgerbridge_analyst TO alice).
DO $$
DECLARE
    wanted text;
BEGIN
    FOREACH wanted IN ARRAY ARRAY['ledgerbridge_analyst', 'ledgerbridge_pipeline'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = wanted) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', wanted);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database's migration created it first
            END;
        END IF;
    END LOOP;
END
$$;

COMMENT ON SCHEMA ledgerbridge IS
    'ledgerbridge''s tables: staging mirrors, links, queue, outbox, audit log, run summaries, token store.';
