-- Ambiguity exceptions of records that are now linked, or no longer ambiguous, are closed.
UPDATE ledgerbridge.exceptions
SET status = 'resolved', resolved_at = now(), updated_at = now(), last_run_id = %(run_id)s
WHERE pair = %(pair)s AND entity = %(entity)s AND status = 'open' AND reason = 'ambiguous_match'
  AND NOT ((ledger = 'xero' AND record_id = ANY(%(xero_ids)s))
           OR (ledger = 'quickbooks' AND record_id = ANY(%(quickbooks_ids)s)));
