-- Approved or rejected, once: who, when, why.
UPDATE ledgerbridge.approvals
SET status = %(status)s, decided_by = %(decided_by)s, decided_at = now(), note = %(note)s, via = %(via)s
WHERE id = %(id)s AND status = 'waiting'
RETURNING *;
