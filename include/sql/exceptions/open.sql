-- One open exception per record and reason: a later run refreshes it instead of adding another. A record a person
-- decided to ignore (ledgerbridge.ignored_records) is not queued again.
INSERT INTO ledgerbridge.exceptions
    (pair, entity, ledger, record_id, record_label, reason, field, message, candidates, first_run_id, last_run_id)
SELECT %(pair)s, %(entity)s, %(ledger)s, %(record_id)s, %(label)s, %(reason)s, %(field)s, %(message)s,
       %(candidates)s, %(run_id)s, %(run_id)s
WHERE NOT EXISTS (SELECT 1 FROM ledgerbridge.ignored_records i
                  WHERE i.pair = %(pair)s AND i.entity = %(entity)s AND i.ledger = %(ledger)s
                    AND i.record_id = %(record_id)s)
ON CONFLICT (pair, entity, ledger, record_id, reason) WHERE status = 'open'
DO UPDATE SET record_label = EXCLUDED.record_label,
              field = EXCLUDED.field,
              message = EXCLUDED.message,
              candidates = EXCLUDED.candidates,
              last_run_id = EXCLUDED.last_run_id,
              updated_at = now();
