INSERT INTO ledgerbridge.differences
    (run_id, pair, entity, xero_id, quickbooks_id, field, xero_value, quickbooks_value, resolution)
VALUES (%(run_id)s, %(pair)s, %(entity)s, %(xero_id)s, %(quickbooks_id)s, %(field)s, %(xero_value)s,
        %(quickbooks_value)s, %(resolution)s)
ON CONFLICT (run_id, pair, entity, xero_id, field) DO UPDATE
SET xero_value = EXCLUDED.xero_value, quickbooks_value = EXCLUDED.quickbooks_value,
    resolution = EXCLUDED.resolution;
