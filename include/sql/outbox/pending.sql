-- Waiting writes for one ledger, in the order they were planned; sent-but-unanswered ones first keep their batch.
SELECT id, pair, entity, ledger, operation, source_ledger, source_id, target_id, source_version, target_version,
       label, payload, payload_hash, batch_key, idempotency_key, attempts
FROM ledgerbridge.outbox
WHERE pair = %(pair)s AND entity = %(entity)s AND ledger = %(ledger)s AND status = 'pending'
ORDER BY (batch_key IS NULL), batch_key, id;
