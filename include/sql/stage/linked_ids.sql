-- Ids already linked in an entity or its siblings: the link, not the ledger's own flags, decides where a record
-- that two entities could claim (a Xero contact) belongs.
SELECT entity, xero_id, quickbooks_id FROM ledgerbridge.xref
WHERE pair = %(pair)s AND entity = ANY(%(entities)s);
