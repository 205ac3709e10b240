SELECT xero_id, quickbooks_id FROM ledgerbridge.xref WHERE pair = %(pair)s AND entity = 'bills' ORDER BY xero_id;
