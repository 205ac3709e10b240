-- A rejected plan's writes are cancelled (superseded), saying by whom; the next run plans afresh.
UPDATE ledgerbridge.outbox
SET status = 'superseded', last_error = %(why)s, updated_at = now()
WHERE id = ANY(%(outbox_ids)s) AND status = 'pending' AND batch_key IS NULL;
