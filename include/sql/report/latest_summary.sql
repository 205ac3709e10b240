-- What the latest run of each entity read, matched and wrote, per pair and ledger (the night's chain).
SELECT DISTINCT ON (pair, entity, ledger)
       pair, entity, ledger, run_id, read, staged, matched, created, updated, voided, conflicts, exceptions, failed,
       started_at
FROM ledgerbridge.run_summary
WHERE coalesce(dag_id, '') <> 'control_totals'
ORDER BY pair, entity, ledger, started_at DESC, run_id DESC;
