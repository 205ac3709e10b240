DELETE FROM ledgerbridge.control_differences WHERE run_id = %(run_id)s AND pair = %(pair)s;
