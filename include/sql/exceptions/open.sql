-- One open exception per record and reason: a later run refreshes it instead of adding another.
INSERT INTO ledgerbridge.exceptions
    (pair, entity, ledger, record_id, record_label, reason, field, message, candidates, first_run_id, last_run_id)
VALUES (%(pair)s, %(entity)s, %(ledger)s, %(record_id)s, %(label)s, %(reason)s, %(field)s, %(message)s,
        %(candidates)s, %(run_id)s, %(run_id)s)
ON CONFLICT (pair, entity, ledger, record_id, reason) WHERE status = 'open'
DO UPDATE SET record_label = EXCLUDED.record_label,
              field = EXCLUDED.field,
              message = EXCLUDED.message,
              candidates = EXCLUDED.candidates,
              last_run_id = EXCLUDED.last_run_id,
              updated_at = now();
