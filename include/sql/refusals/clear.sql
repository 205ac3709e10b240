-- Lift the block a ledger's refusal put on a record (issue 8's "retry"): the next run plans it again, once.
-- %(ledger)s: the ledger that refused, or NULL for any.
DELETE FROM ledgerbridge.refusals
WHERE pair = %(pair)s AND entity = %(entity)s AND source_id = %(record_id)s
  AND (%(ledger)s::text IS NULL OR ledger = %(ledger)s)
RETURNING ledger, source_id, source_version;
