-- The privileges of ledgerbridge's two roles on this database's objects, applied after migrations (idempotent:
-- GRANT and REVOKE of what is already so change nothing). Does nothing while the roles do not exist yet.
DO $$
DECLARE
    t record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledgerbridge_analyst')
       OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledgerbridge_pipeline') THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO ledgerbridge_analyst, ledgerbridge_pipeline',
                   current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO ledgerbridge_pipeline', current_database());

    -- the analyst: the report views and the staged mirrors, read only
    GRANT USAGE ON SCHEMA ledgerbridge_report TO ledgerbridge_analyst;
    GRANT SELECT ON ALL TABLES IN SCHEMA ledgerbridge_report TO ledgerbridge_analyst;
    GRANT USAGE ON SCHEMA ledgerbridge TO ledgerbridge_analyst;
    REVOKE ALL ON ALL TABLES IN SCHEMA ledgerbridge FROM ledgerbridge_analyst;
    FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'ledgerbridge' AND c.relkind IN ('r', 'p') AND c.relname LIKE 'stg\_%' LOOP
        EXECUTE format('GRANT SELECT ON ledgerbridge.%I TO ledgerbridge_analyst', t.relname);
    END LOOP;

    -- the pipeline: read and write every table, use every sequence, read the report views
    GRANT USAGE ON SCHEMA ledgerbridge, ledgerbridge_report TO ledgerbridge_pipeline;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ledgerbridge TO ledgerbridge_pipeline;
    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ledgerbridge TO ledgerbridge_pipeline;
    GRANT SELECT ON ALL TABLES IN SCHEMA ledgerbridge_report TO ledgerbridge_pipeline;
END
$$;
