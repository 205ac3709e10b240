-- Pending decisions of one pair and entity, oldest first.
SELECT id FROM ledgerbridge.decisions
WHERE pair = %(pair)s AND entity = %(entity)s AND status = 'pending'
ORDER BY id;
