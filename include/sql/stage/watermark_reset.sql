-- A full resync reads everything again from the beginning.
DELETE FROM ledgerbridge.watermarks WHERE pair = %(pair)s AND ledger = %(ledger)s AND entity = %(entity)s;
