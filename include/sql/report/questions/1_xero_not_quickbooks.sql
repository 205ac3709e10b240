-- Which invoices are in Xero but not in QuickBooks, and why?
SELECT xero_label AS invoice, contact, xero_date, xero_total, status, why
FROM ledgerbridge_report.reconciliation_status
WHERE pair = 'harbour' AND entity = 'invoices' AND xero_id IS NOT NULL AND quickbooks_id IS NULL
ORDER BY status, xero_label;
