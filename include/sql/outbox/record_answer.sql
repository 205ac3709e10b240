UPDATE ledgerbridge.outbox
SET status = %(status)s, result_id = %(result_id)s, answer = %(answer)s, last_error = %(error)s, updated_at = now()
WHERE id = %(id)s;
