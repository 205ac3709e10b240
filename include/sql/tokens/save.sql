UPDATE ledgerbridge.oauth_tokens
SET access_token = %(access_token)s,
    access_expires_at = %(access_expires_at)s,
    refresh_token = %(refresh_token)s,
    seed_fingerprint = %(seed_fingerprint)s,
    refreshed_at = now(),
    refresh_count = refresh_count + 1,
    updated_at = now()
WHERE conn_id = %(conn_id)s;
