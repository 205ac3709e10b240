-- Control totals of a run that differ by more than the tolerance: the totals first, then the largest contacts.
SELECT kind, contact, contact_label, bucket, xero_amount, quickbooks_amount, difference
FROM ledgerbridge.control_totals
WHERE run_id = %(run_id)s AND pair = %(pair)s AND bucket = 'all' AND abs(difference) > %(tolerance)s
ORDER BY contact <> 'total', abs(difference) DESC, kind, contact;
