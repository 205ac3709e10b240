-- Documents (invoices, bills, credit notes) staged by this run (all of the pair's on a full check), with the derived values the expectations test:
-- how far the total is from lines plus tax, and whether the contact is staged on the same side.
SELECT i.ledger_id, i.number, i.currency, i.date, i.due_date, i.status,
       CASE i.amounts_are
           WHEN 'inclusive' THEN i.total - i.lines_amount
           ELSE i.total - (i.lines_amount + i.total_tax)
       END AS totals_gap,
       i.lines_tax - i.total_tax AS line_tax_gap,
       (i.due_date - i.date) AS days_to_due,
       (CURRENT_DATE - i.date) AS age_days,
       EXISTS (SELECT 1 FROM {contacts_table} c
               WHERE c.pair = i.pair AND c.ledger_id = i.contact_id) AS contact_resolvable
FROM {table} i
WHERE i.pair = %(pair)s AND (%(all_rows)s OR i.staged_run_id = %(run_id)s)
  AND NOT i.deleted AND i.status NOT IN ('voided', 'deleted');
