INSERT INTO ledgerbridge.audit_log
    (run_id, try_number, pair, entity, ledger, operation, outbox_id, record_id, payload_hash, idempotency_key,
     outcome, answer, decision_id, decided_by)
SELECT %(run_id)s, %(try_number)s, %(pair)s, %(entity)s, %(ledger)s, %(operation)s, %(outbox_id)s,
       %(record_id)s, %(payload_hash)s, %(idempotency_key)s, %(outcome)s, %(answer)s, d.id, d.decided_by
FROM (SELECT 1) one
LEFT JOIN ledgerbridge.outbox o ON o.id = %(outbox_id)s
LEFT JOIN ledgerbridge.decisions d ON d.id = o.decision_id;
