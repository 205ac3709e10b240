-- The ledger refused the refresh token: kept for `connect status` (the stored token is left as it was).
UPDATE ledgerbridge.oauth_tokens
SET last_invalid_grant_at = now(), last_invalid_grant = %(detail)s, updated_at = now()
WHERE conn_id = %(conn_id)s;
