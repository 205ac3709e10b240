-- The operator page: the open exception queue, oldest first within each pair and entity.
SELECT id, pair, entity, ledger, record_id, record_label, reason, field, message, first_run_id, last_run_id,
       created_at, updated_at
FROM ledgerbridge.exceptions
WHERE status = 'open'
ORDER BY pair, entity, ledger, id
LIMIT %(limit)s;
