-- Exceptions this run opened for a pair and entity that nobody has decided yet, for the review task.
SELECT e.id, e.ledger, e.record_id, e.record_label, e.reason, e.field, e.message, e.candidates
FROM ledgerbridge.exceptions e
WHERE e.pair = %(pair)s AND e.entity = %(entity)s AND e.status = 'open' AND e.first_run_id = %(run_id)s
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.decisions d WHERE d.exception_id = e.id AND d.status = 'pending')
ORDER BY e.id
LIMIT %(limit)s;
