-- Linked pairs of one entity with the versions they had when last aligned.
SELECT xero_id, quickbooks_id, method, xero_version, quickbooks_version, aligned_at
FROM ledgerbridge.xref
WHERE pair = %(pair)s AND entity = %(entity)s
ORDER BY xero_id;
