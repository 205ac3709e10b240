-- Key rotation: every row, locked until the re-encrypted tokens are committed.
SELECT conn_id, access_token, refresh_token FROM ledgerbridge.oauth_tokens ORDER BY conn_id FOR UPDATE;
