-- A record on one ledger as staged (its version and whether the ledger deleted it).
SELECT ledger_id, version, deleted FROM {table} WHERE pair = %(pair)s AND ledger_id = %(record_id)s;
