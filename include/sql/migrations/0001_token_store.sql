-- OAuth tokens per Airflow connection, shared by the Xero and QuickBooks hooks.
-- A refresh happens under a row lock (SELECT ... FOR UPDATE) in the transaction that stores the rotated refresh
-- token, so two workers never spend the same refresh token and a crash never loses the newest one.
CREATE TABLE ledgerbridge.oauth_tokens (
    conn_id             text PRIMARY KEY,
    ledger              text NOT NULL CHECK (ledger IN ('xero', 'quickbooks')),
    access_token        text,
    access_expires_at   timestamptz,
    refresh_token       text,
    -- sha256 of the refresh token the Airflow connection held when this row was seeded: when an operator
    -- re-authorises and pastes a new token into the connection, it replaces the stored one.
    seed_fingerprint    text,
    refreshed_at        timestamptz,
    refresh_count       bigint NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE ledgerbridge.oauth_tokens IS
    'OAuth access/refresh tokens per Airflow connection id; rotated refresh tokens are persisted under a row lock.';
