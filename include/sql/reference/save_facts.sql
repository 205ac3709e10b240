INSERT INTO ledgerbridge.ledger_facts (pair, ledger, home_currency, currencies, organisation, run_id, checked_at)
VALUES (%(pair)s, %(ledger)s, %(home_currency)s, %(currencies)s, %(organisation)s, %(run_id)s, now())
ON CONFLICT (pair, ledger) DO UPDATE
SET home_currency = EXCLUDED.home_currency, currencies = EXCLUDED.currencies,
    organisation = EXCLUDED.organisation, run_id = EXCLUDED.run_id, checked_at = now();
