-- Claim one pending decision with its exception, in the transaction that applies it: a retried or concurrent task
-- finds it applied (or locked) and does nothing.
SELECT d.*, e.status AS exception_status, e.candidates, e.record_label
FROM ledgerbridge.decisions d
JOIN ledgerbridge.exceptions e ON e.id = d.exception_id
WHERE d.id = %(id)s AND d.status = 'pending'
FOR UPDATE OF d SKIP LOCKED;
