SELECT run_id, pair, entity, ledger, read, staged, matched, created, updated, voided, conflicts, exceptions, failed,
       started_at, updated_at
FROM ledgerbridge.run_summary
WHERE run_id = %(run_id)s AND pair = %(pair)s AND entity = %(entity)s
ORDER BY ledger;
