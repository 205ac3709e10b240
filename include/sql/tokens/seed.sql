-- A fresh consent (python -m ledgerbridge.connect): the tokens and what was granted replace whatever was stored.
INSERT INTO ledgerbridge.oauth_tokens AS t (
    conn_id, ledger, access_token, access_expires_at, refresh_token, seed_fingerprint, refreshed_at, company_id,
    company_name, scopes, connected_at, refresh_issued_at, refresh_expires_at, refresh_hard_expires_at)
VALUES (%(conn_id)s, %(ledger)s, %(access_token)s, %(access_expires_at)s, %(refresh_token)s, %(seed_fingerprint)s,
        now(), %(company_id)s, %(company_name)s, %(scopes)s, now(), now(), %(refresh_expires_at)s,
        %(refresh_hard_expires_at)s)
ON CONFLICT (conn_id) DO UPDATE SET
    ledger = EXCLUDED.ledger,
    access_token = EXCLUDED.access_token,
    access_expires_at = EXCLUDED.access_expires_at,
    refresh_token = EXCLUDED.refresh_token,
    seed_fingerprint = EXCLUDED.seed_fingerprint,
    refreshed_at = now(),
    company_id = EXCLUDED.company_id,
    company_name = EXCLUDED.company_name,
    scopes = EXCLUDED.scopes,
    connected_at = now(),
    refresh_issued_at = now(),
    refresh_expires_at = EXCLUDED.refresh_expires_at,
    refresh_hard_expires_at = EXCLUDED.refresh_hard_expires_at,
    last_invalid_grant_at = NULL,
    last_invalid_grant = NULL,
    death_alerted_at = NULL,
    updated_at = now();
