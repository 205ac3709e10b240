-- Token health and the consent flow (issue 19): what each connection was granted, for which organisation, when
-- its refresh token dies, and the last refusal. Tokens stay encrypted at rest (ledgerbridge.tokens).
ALTER TABLE ledgerbridge.oauth_tokens
    ADD COLUMN company_id              text,         -- Xero tenant id / QuickBooks realm id
    ADD COLUMN company_name            text,         -- Xero tenantName / QuickBooks CompanyName
    ADD COLUMN scopes                  text,         -- as granted (the token response's scope, else as asked)
    ADD COLUMN connected_at            timestamptz,  -- the last consent (python -m ledgerbridge.connect)
    ADD COLUMN refresh_issued_at       timestamptz,  -- when the current refresh token value was issued
    ADD COLUMN refresh_expires_at      timestamptz,  -- rolling death: Xero 60 days unused, Intuit x_refresh_token_expires_in
    ADD COLUMN refresh_hard_expires_at timestamptz,  -- Intuit's 5-year cap (x_refresh_token_hard_expires_in)
    ADD COLUMN last_invalid_grant_at   timestamptz,
    ADD COLUMN last_invalid_grant      text,         -- the ledger's error and description, never a token
    ADD COLUMN death_alerted_at        timestamptz;  -- the last "dies within 14 days" alert

COMMENT ON COLUMN ledgerbridge.oauth_tokens.refresh_expires_at IS
    'When the refresh token dies if not used: Xero 60 days after its last use, Intuit 100 days rolling.';
