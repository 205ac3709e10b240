-- Records with a write that was sent but whose outcome is not known yet: nothing new is planned for them.
SELECT DISTINCT source_id, target_id FROM ledgerbridge.outbox
WHERE pair = %(pair)s AND entity = %(entity)s AND status = 'pending' AND attempts > 0;
