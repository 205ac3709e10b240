INSERT INTO ledgerbridge.audit_log
    (run_id, try_number, pair, entity, ledger, operation, outbox_id, record_id, payload_hash, idempotency_key,
     outcome, answer)
VALUES (%(run_id)s, %(try_number)s, %(pair)s, %(entity)s, %(ledger)s, %(operation)s, %(outbox_id)s,
        %(record_id)s, %(payload_hash)s, %(idempotency_key)s, %(outcome)s, %(answer)s);
