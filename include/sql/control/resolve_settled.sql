-- Documents whose settled amounts agree again (their payments were carried across after the documents were
-- compared): their payment differences are closed.
UPDATE ledgerbridge.exceptions e
SET status = 'resolved', resolved_at = now(), updated_at = now(), last_run_id = %(run_id)s
FROM ledgerbridge.xref r
JOIN {xero_table} x ON x.pair = r.pair AND x.ledger_id = r.xero_id
JOIN {qb_table} q ON q.pair = r.pair AND q.ledger_id = r.quickbooks_id
WHERE e.pair = %(pair)s AND e.entity = %(entity)s AND e.status = 'open' AND e.reason = 'payment_mismatch'
  AND r.pair = %(pair)s AND r.entity = %(entity)s
  AND ((e.ledger = 'xero' AND e.record_id = r.xero_id) OR (e.ledger = 'quickbooks' AND e.record_id = r.quickbooks_id))
  AND x.amount_paid IS NOT DISTINCT FROM q.amount_paid;
