-- Match exceptions (ambiguous_match, possible_match) of records that are no longer waiting for that reason (now
-- linked, decided, or no longer close to anything) are closed. %(keep)s: "ledger:record id:reason" still open.
UPDATE ledgerbridge.exceptions
SET status = 'resolved', resolved_at = now(), updated_at = now(), last_run_id = %(run_id)s
WHERE pair = %(pair)s AND entity = %(entity)s AND status = 'open'
  AND reason IN ('ambiguous_match', 'possible_match')
  AND NOT (ledger || ':' || record_id || ':' || reason = ANY(%(keep)s));
