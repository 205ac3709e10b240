-- Weak-link exceptions closed: the evidence is strong again, or a person confirmed the link (method 'manual') or
-- removed it.
UPDATE ledgerbridge.exceptions e
SET status = 'resolved', resolved_at = now(), updated_at = now(), last_run_id = %(run_id)s
WHERE e.pair = %(pair)s AND e.entity = %(entity)s AND e.status = 'open' AND e.reason = 'weak_link'
  AND e.ledger = 'xero'
  AND (e.record_id = ANY(%(strong)s)
       OR NOT EXISTS (SELECT 1 FROM ledgerbridge.xref r WHERE r.pair = e.pair AND r.entity = e.entity
                      AND r.xero_id = e.record_id AND r.method <> 'manual'));
