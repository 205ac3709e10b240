-- Close the open exceptions of these reasons for records that no longer have the problem.
UPDATE ledgerbridge.exceptions
SET status = 'resolved', resolved_at = now(), updated_at = now(), last_run_id = %(run_id)s
WHERE pair = %(pair)s AND entity = %(entity)s AND ledger = %(ledger)s AND status = 'open'
  AND reason = ANY(%(reasons)s)
  AND record_id = ANY(%(record_ids)s);
