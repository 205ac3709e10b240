-- Names or numbers of staged records, so an exception shows what a person recognises.
SELECT ledger_id, {label} AS label FROM {table} WHERE pair = %(pair)s AND ledger_id = ANY(%(ids)s);
