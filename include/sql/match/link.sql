INSERT INTO ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method, rule, score, linked_run_id)
VALUES (%(pair)s, %(entity)s, %(xero_id)s, %(quickbooks_id)s, %(method)s, %(rule)s, %(score)s, %(run_id)s)
ON CONFLICT DO NOTHING;
