-- Why was this contact not matched? (add: AND coalesce(xero_label, quickbooks_label) ILIKE '%name%')
SELECT coalesce(xero_label, quickbooks_label) AS contact, status, why
FROM ledgerbridge_report.reconciliation_status
WHERE pair = 'harbour' AND entity = 'contacts' AND status NOT IN ('linked', 'ignored')
ORDER BY status, contact;
