-- The links either record already has in this entity.
SELECT xero_id, quickbooks_id, method FROM ledgerbridge.xref
WHERE pair = %(pair)s AND entity = %(entity)s AND (xero_id = %(xero_id)s OR quickbooks_id = %(quickbooks_id)s);
