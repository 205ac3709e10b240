UPDATE ledgerbridge.watermarks SET last_full_at = now()
WHERE pair = %(pair)s AND ledger = %(ledger)s AND entity = %(entity)s;
