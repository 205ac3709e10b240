-- After a complete read: staged records the ledger no longer returns were deleted there (what cdc may have missed).
UPDATE {table}
SET deleted = true, staged_run_id = %(run_id)s, staged_at = now()
WHERE pair = %(pair)s AND NOT deleted AND ledger_id <> ALL(%(seen)s);
