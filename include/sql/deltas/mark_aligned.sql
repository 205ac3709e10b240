-- A linked pair found equal: remember the versions, so the next run can tell which side changed.
UPDATE ledgerbridge.xref
SET xero_version = %(xero_version)s, quickbooks_version = %(quickbooks_version)s,
    aligned_at = now(), aligned_run_id = %(run_id)s
WHERE pair = %(pair)s AND entity = %(entity)s AND xero_id = %(xero_id)s
  AND (xero_version IS DISTINCT FROM %(xero_version)s OR quickbooks_version IS DISTINCT FROM %(quickbooks_version)s);
