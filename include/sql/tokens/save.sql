UPDATE ledgerbridge.oauth_tokens
SET access_token = %(access_token)s,
    access_expires_at = %(access_expires_at)s,
    refresh_token = %(refresh_token)s,
    seed_fingerprint = %(seed_fingerprint)s,
    refreshed_at = now(),
    refresh_count = refresh_count + 1,
    refresh_issued_at = CASE WHEN %(rotated)s OR refresh_issued_at IS NULL THEN now() ELSE refresh_issued_at END,
    refresh_expires_at = COALESCE(%(refresh_expires_at)s, refresh_expires_at),
    refresh_hard_expires_at = COALESCE(%(refresh_hard_expires_at)s, refresh_hard_expires_at),
    scopes = COALESCE(%(scopes)s, scopes),
    updated_at = now()
WHERE conn_id = %(conn_id)s;
