-- Items staged by this run: present keys.
SELECT i.ledger_id, i.name FROM {table} i
WHERE i.pair = %(pair)s AND (%(all_rows)s OR i.staged_run_id = %(run_id)s) AND NOT i.deleted;
