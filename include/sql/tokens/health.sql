-- Every stored connection's health, without its tokens (python -m ledgerbridge.connect status).
SELECT conn_id, ledger, company_id, company_name, scopes, connected_at, refreshed_at, refresh_count,
       refresh_issued_at, refresh_expires_at, refresh_hard_expires_at, last_invalid_grant_at, last_invalid_grant,
       death_alerted_at, (refresh_token IS NOT NULL) AS has_refresh_token
FROM ledgerbridge.oauth_tokens
ORDER BY conn_id;
