-- A newer plan for the same record replaces a waiting one that was never sent (sent ones are resolved by the
-- write task first: their outcome may be unknown).
UPDATE ledgerbridge.outbox
SET status = 'superseded', updated_at = now()
WHERE pair = %(pair)s AND entity = %(entity)s AND ledger = %(ledger)s AND operation = %(operation)s
  AND source_id = %(source_id)s AND status = 'pending' AND attempts = 0 AND payload_hash <> %(payload_hash)s;
