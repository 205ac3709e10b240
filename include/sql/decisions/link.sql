-- A person's link: method 'manual', never second-guessed by the matcher.
INSERT INTO ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method, rule, linked_run_id)
VALUES (%(pair)s, %(entity)s, %(xero_id)s, %(quickbooks_id)s, 'manual', 'decision ' || %(decision_id)s::text,
        %(run_id)s)
ON CONFLICT DO NOTHING;
