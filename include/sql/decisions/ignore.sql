-- An ignored record: kept out of the queue and the control-total differences, listed as ignored.
INSERT INTO ledgerbridge.ignored_records (pair, entity, ledger, record_id, record_label, reason, decision_id,
                                          ignored_by)
VALUES (%(pair)s, %(entity)s, %(ledger)s, %(record_id)s, %(label)s, %(reason)s, %(decision_id)s, %(decided_by)s)
ON CONFLICT (pair, entity, ledger, record_id) DO UPDATE
SET reason = EXCLUDED.reason, decision_id = EXCLUDED.decision_id, ignored_by = EXCLUDED.ignored_by,
    created_at = now();
