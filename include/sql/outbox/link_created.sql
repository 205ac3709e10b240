-- A record created from its partner is linked to it, aligned at both versions.
INSERT INTO ledgerbridge.xref
    (pair, entity, xero_id, quickbooks_id, method, rule, score, linked_run_id, xero_version, quickbooks_version,
     aligned_at, aligned_run_id)
VALUES (%(pair)s, %(entity)s, %(xero_id)s, %(quickbooks_id)s, 'created', 'created', 1.0, %(run_id)s,
        %(xero_version)s, %(quickbooks_version)s, now(), %(run_id)s)
ON CONFLICT DO NOTHING;
