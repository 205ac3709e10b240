-- Items linked by the items entity, by their Xero code: they translate document lines as the mapping file does.
SELECT x.code, r.quickbooks_id
FROM ledgerbridge.xref r
JOIN ledgerbridge.stg_xero_items x ON x.pair = r.pair AND x.ledger_id = r.xero_id
WHERE r.pair = %(pair)s AND r.entity = 'items' AND x.code IS NOT NULL;
