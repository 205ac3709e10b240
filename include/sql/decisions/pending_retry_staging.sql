-- Whether a retry waits for a record that staging refused (not staged, so only a full read can re-check it).
SELECT count(*) AS n FROM ledgerbridge.decisions
WHERE pair = %(pair)s AND entity = %(entity)s AND ledger = %(ledger)s AND status = 'pending'
  AND decision = 'retry' AND reason = ANY(%(reasons)s);
