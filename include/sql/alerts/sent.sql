-- The channels an alert went out on.
UPDATE ledgerbridge.alerts_sent SET channels = %(channels)s, sent_at = now() WHERE id = %(id)s;
