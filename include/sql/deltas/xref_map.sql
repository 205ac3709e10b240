-- The links of an entity, to translate references (an invoice's contact) between the ledgers.
SELECT xero_id, quickbooks_id FROM ledgerbridge.xref WHERE pair = %(pair)s AND entity = %(entity)s;
