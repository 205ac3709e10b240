-- The refusals of a pair's entity: (ledger that refused, source record) -> the source version refused.
SELECT ledger, source_id, source_version FROM ledgerbridge.refusals
WHERE pair = %(pair)s AND entity = %(entity)s;
