-- Create the connection's row on first use, seeded with the refresh token the Airflow connection holds.
INSERT INTO ledgerbridge.oauth_tokens (conn_id, ledger, refresh_token, seed_fingerprint)
VALUES (%(conn_id)s, %(ledger)s, %(refresh_token)s, %(seed_fingerprint)s)
ON CONFLICT (conn_id) DO NOTHING;
