-- Committed before the request goes out: a crash after this leaves the rows marked as possibly applied.
UPDATE ledgerbridge.outbox
SET batch_key = %(batch_key)s, idempotency_key = %(idempotency_key)s, attempts = attempts + 1,
    sent_run_id = %(run_id)s, updated_at = now()
WHERE id = ANY(%(ids)s);
