-- Contacts staged by this run (all of the pair's on a full check), with what the expectations look at.
SELECT ledger_id, name, email, currency, updated_at
FROM {table}
WHERE pair = %(pair)s AND (%(all_rows)s OR staged_run_id = %(run_id)s) AND NOT deleted;
