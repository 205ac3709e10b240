-- A pending decision withdrawn before a run applied it.
UPDATE ledgerbridge.decisions
SET status = 'cancelled', outcome = 'cancelled by ' || %(by)s, applied_at = now()
WHERE id = %(id)s AND status = 'pending';
