SELECT ledger_id, name FROM {table} WHERE pair = %(pair)s AND ledger_id = ANY(%(ids)s);
