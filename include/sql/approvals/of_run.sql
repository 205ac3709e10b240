-- The gate of one run of a pair and entity, if it had one.
SELECT * FROM ledgerbridge.approvals WHERE pair = %(pair)s AND entity = %(entity)s AND run_id = %(run_id)s;
