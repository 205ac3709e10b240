-- A decision applied (or sent back for a re-check), once.
UPDATE ledgerbridge.decisions
SET status = %(status)s, applied_at = now(), applied_run_id = %(run_id)s, outcome = %(outcome)s
WHERE id = %(id)s AND status = 'pending';
