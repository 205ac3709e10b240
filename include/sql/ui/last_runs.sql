-- The operator page: each pair's and entity's latest run, per ledger, with the queue raised in that run beside what
-- is open now (a run's "exceptions" count is what was open when it ended; records can be resolved since). Only the
-- entity DAGs' runs: a check run outside Airflow (the demo's verify step) is not an operator's run.
WITH latest AS (
    SELECT DISTINCT ON (pair, entity) pair, entity, run_id
    FROM ledgerbridge.run_summary
    WHERE left(dag_id, 5) = 'sync_'
    ORDER BY pair, entity, started_at DESC
)
SELECT s.pair, s.entity, s.ledger, s.run_id, s.dag_id, s.read, s.staged, s.matched, s.created, s.updated,
       s.voided, s.failed, s.updated_at,
       (SELECT count(*) FROM ledgerbridge.exceptions e
        WHERE e.pair = s.pair AND e.entity = s.entity AND e.ledger = s.ledger AND e.first_run_id = s.run_id)
           AS raised_in_run,
       (SELECT count(*) FROM ledgerbridge.exceptions e
        WHERE e.pair = s.pair AND e.entity = s.entity AND e.ledger = s.ledger AND e.status = 'open') AS open_now
FROM ledgerbridge.run_summary s
JOIN latest l USING (pair, entity, run_id)
ORDER BY s.pair, s.entity, s.ledger;
