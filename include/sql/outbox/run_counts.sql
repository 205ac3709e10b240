-- What a run wrote to one ledger, from the outbox itself (so retries and re-runs count each write once).
SELECT
    count(*) FILTER (WHERE status = 'applied' AND operation = 'create') AS created,
    count(*) FILTER (WHERE status = 'applied' AND operation = 'update') AS updated,
    count(*) FILTER (WHERE status = 'applied' AND operation IN ('void', 'delete')) AS voided,
    count(*) FILTER (WHERE status = 'failed') AS failed
FROM ledgerbridge.outbox
WHERE pair = %(pair)s AND entity = %(entity)s AND ledger = %(ledger)s AND sent_run_id = %(run_id)s;
