SELECT watermark, last_full_at FROM ledgerbridge.watermarks
WHERE pair = %(pair)s AND ledger = %(ledger)s AND entity = %(entity)s;
