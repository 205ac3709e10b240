-- Two records a person said are different: never proposed to each other again.
INSERT INTO ledgerbridge.distinct_records (pair, entity, xero_id, quickbooks_id, decided_by, note)
VALUES (%(pair)s, %(entity)s, %(xero_id)s, %(quickbooks_id)s, %(decided_by)s, %(note)s)
ON CONFLICT DO NOTHING;
