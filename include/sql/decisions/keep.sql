-- A weak link a person confirmed becomes a manual link.
UPDATE ledgerbridge.xref SET method = 'manual', rule = 'decision ' || %(decision_id)s::text
WHERE pair = %(pair)s AND entity = %(entity)s AND xero_id = %(xero_id)s AND quickbooks_id = %(quickbooks_id)s;
