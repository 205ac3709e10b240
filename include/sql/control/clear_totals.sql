DELETE FROM ledgerbridge.control_totals WHERE run_id = %(run_id)s AND pair = %(pair)s;
