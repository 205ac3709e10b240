-- After an update or void was applied, both sides are aligned at these versions.
UPDATE ledgerbridge.xref
SET xero_version = %(xero_version)s, quickbooks_version = %(quickbooks_version)s,
    aligned_at = now(), aligned_run_id = %(run_id)s
WHERE pair = %(pair)s AND entity = %(entity)s AND xero_id = %(xero_id)s AND quickbooks_id = %(quickbooks_id)s;
