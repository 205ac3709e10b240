-- The write plan of one pair and entity: every write waiting in the outbox, as a gate shows it.
SELECT id, ledger, operation, label, source_id, target_id, payload
FROM ledgerbridge.outbox
WHERE pair = %(pair)s AND entity = %(entity)s AND status = 'pending'
ORDER BY id;
