-- Customers whose balance is overdue past their terms in this run's control totals (as Xero holds it): the amount
-- past due and the oldest age bucket.
SELECT contact, max(contact_label) AS contact_label, sum(xero_amount) AS overdue,
       max(CASE bucket WHEN '1-30' THEN 1 WHEN '31-60' THEN 31 WHEN '61-90' THEN 61 WHEN '90+' THEN 91 END) AS days
FROM ledgerbridge.control_totals
WHERE run_id = %(run_id)s AND pair = %(pair)s AND kind = 'receivable' AND contact <> 'total'
  AND bucket IN ('1-30', '31-60', '61-90', '90+') AND xero_amount > 0
GROUP BY contact
ORDER BY sum(xero_amount) DESC;
