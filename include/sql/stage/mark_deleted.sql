-- Records the ledger deleted (a QuickBooks payment's rows are "<Payment Id>:<document>").
UPDATE {table}
SET deleted = true, staged_run_id = %(run_id)s, staged_at = now()
WHERE pair = %(pair)s AND NOT deleted
  AND (ledger_id = ANY(%(ids)s) OR split_part(ledger_id, ':', 1) = ANY(%(ids)s));
