-- The largest documents not aligned: on one side only, waiting in the queue, or linked with a different balance.
SELECT pair, entity, status, coalesce(xero_label, quickbooks_label) AS document, contact, currency,
       xero_total, quickbooks_total, xero_amount_due, quickbooks_amount_due, why
FROM ledgerbridge_report.reconciliation_status
WHERE entity IN ('invoices', 'bills', 'credit_notes', 'vendor_credits')
  AND (status IN ('in_queue', 'only_in_xero', 'only_in_quickbooks')
       OR coalesce(due_difference, 0) <> 0 OR coalesce(total_difference, 0) <> 0)
ORDER BY greatest(abs(coalesce(xero_total, 0)), abs(coalesce(quickbooks_total, 0))) DESC, pair, document
LIMIT %(limit)s;
