SELECT ledger, record_id, reason FROM ledgerbridge.exceptions
WHERE pair = %(pair)s AND entity = %(entity)s AND status = 'open';
