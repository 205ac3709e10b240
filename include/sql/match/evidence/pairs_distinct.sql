-- Pairs a person said are different are never candidates.
DELETE FROM match_pairs p USING ledgerbridge.distinct_records d
WHERE d.pair = %(pair)s AND d.entity = %(entity)s AND d.xero_id = p.xero_id AND d.quickbooks_id = p.quickbooks_id;
