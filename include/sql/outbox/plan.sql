-- Record an intended write. The same write still waiting is not planned twice.
INSERT INTO ledgerbridge.outbox
    (pair, entity, ledger, operation, source_ledger, source_id, target_id, source_version, target_version, label,
     payload, payload_hash, planned_run_id)
VALUES (%(pair)s, %(entity)s, %(ledger)s, %(operation)s, %(source_ledger)s, %(source_id)s, %(target_id)s,
        %(source_version)s, %(target_version)s, %(label)s, %(payload)s, %(payload_hash)s, %(run_id)s)
ON CONFLICT (pair, entity, ledger, operation, source_id, payload_hash) WHERE status = 'pending' DO NOTHING
RETURNING id;
