INSERT INTO ledgerbridge.control_totals
    (run_id, pair, kind, contact, contact_label, bucket, xero_amount, quickbooks_amount, difference)
VALUES (%(run_id)s, %(pair)s, %(kind)s, %(contact)s, %(label)s, %(bucket)s, %(xero)s, %(quickbooks)s, %(difference)s)
ON CONFLICT (run_id, pair, kind, contact, bucket) DO UPDATE
SET xero_amount = EXCLUDED.xero_amount, quickbooks_amount = EXCLUDED.quickbooks_amount,
    difference = EXCLUDED.difference, contact_label = EXCLUDED.contact_label, checked_at = now();
