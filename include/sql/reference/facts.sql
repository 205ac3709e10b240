SELECT ledger, home_currency, currencies, checked_at FROM ledgerbridge.ledger_facts WHERE pair = %(pair)s;
