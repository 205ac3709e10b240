-- The audit row of an applied decision: which decision, whose, and what it did.
INSERT INTO ledgerbridge.audit_log
    (run_id, try_number, pair, entity, ledger, operation, record_id, outcome, answer, decision_id, decided_by)
VALUES (%(run_id)s, %(try_number)s, %(pair)s, %(entity)s, %(ledger)s, %(operation)s, %(record_id)s, %(outcome)s,
        %(answer)s, %(decision_id)s, %(decided_by)s);
