-- The decided exception, and the match exceptions of the records a link or a "different" joined or parted (on
-- both sides), are closed: the decision answered them.
UPDATE ledgerbridge.exceptions
SET status = %(status)s, resolved_at = now(), updated_at = now(), last_run_id = %(run_id)s
WHERE status = 'open'
  AND (id = %(exception_id)s
       OR (pair = %(pair)s AND entity = %(entity)s AND reason = ANY(%(reasons)s)
           AND ((ledger = 'xero' AND record_id = ANY(%(xero_ids)s))
                OR (ledger = 'quickbooks' AND record_id = ANY(%(quickbooks_ids)s)))));
