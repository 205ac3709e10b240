-- Bank transactions staged by this run: totals equal lines plus tax, a bank account, plausible dates.
SELECT t.ledger_id, t.currency, t.bank_account, (CURRENT_DATE - t.date) AS age_days,
       CASE t.amounts_are
           WHEN 'inclusive' THEN t.total - (SELECT coalesce(sum((l->>'line_amount')::numeric), 0)
                                            FROM jsonb_array_elements(t.lines) l)
           ELSE t.total - t.total_tax - (SELECT coalesce(sum((l->>'line_amount')::numeric), 0)
                                         FROM jsonb_array_elements(t.lines) l)
       END AS totals_gap
FROM {table} t
WHERE t.pair = %(pair)s AND (%(all_rows)s OR t.staged_run_id = %(run_id)s) AND NOT t.deleted
  AND t.kind IN ('receive', 'spend');
