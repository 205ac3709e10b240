-- Records that staged cleanly in this run no longer have a staging problem (those held again now keep theirs).
UPDATE ledgerbridge.exceptions e
SET status = 'resolved', resolved_at = now(), updated_at = now(), last_run_id = %(run_id)s
FROM {temp} s
WHERE e.pair = %(pair)s AND e.entity = %(entity)s AND e.ledger = %(ledger)s AND e.status = 'open'
  AND e.reason = ANY(%(reasons)s)
  AND e.record_id = s.ledger_id
  AND NOT (s.ledger_id = ANY(%(held)s));
