-- Each pair's latest control totals, in total per kind.
SELECT pair, kind, xero_total AS xero_amount, quickbooks_total AS quickbooks_amount, difference, run_id, checked_at
FROM ledgerbridge_report.aging
WHERE is_total
ORDER BY pair, kind;
