-- A link a person undid.
DELETE FROM ledgerbridge.xref
WHERE pair = %(pair)s AND entity = %(entity)s AND xero_id = %(xero_id)s AND quickbooks_id = %(quickbooks_id)s;
