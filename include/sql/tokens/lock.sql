-- Held until the refreshed tokens are committed: a second refresher waits here, then sees the new access token.
SELECT conn_id, ledger, access_token, access_expires_at, refresh_token, seed_fingerprint, refresh_count
FROM ledgerbridge.oauth_tokens
WHERE conn_id = %(conn_id)s
FOR UPDATE;
