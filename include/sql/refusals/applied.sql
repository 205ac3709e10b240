-- A write of this record went through: a refusal of an older version no longer holds anything.
DELETE FROM ledgerbridge.refusals
WHERE pair = %(pair)s AND entity = %(entity)s AND ledger = %(ledger)s AND source_id = %(source_id)s;
