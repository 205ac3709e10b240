UPDATE ledgerbridge.oauth_tokens
SET access_token = %(access_token)s, refresh_token = %(refresh_token)s, updated_at = now()
WHERE conn_id = %(conn_id)s;
