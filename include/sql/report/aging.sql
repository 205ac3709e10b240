-- Aging on both sides per pair and kind: the totals row and the contacts that differ, largest difference first.
SELECT pair, kind, contact, is_total, xero_current, xero_1_30, xero_31_60, xero_61_90, xero_over_90, xero_total,
       quickbooks_current, quickbooks_1_30, quickbooks_31_60, quickbooks_61_90, quickbooks_over_90,
       quickbooks_total, difference
FROM ledgerbridge_report.aging
ORDER BY pair, kind, is_total DESC, abs(coalesce(difference, 0)) DESC, contact;
