-- Journals staged by this run: debits equal credits, plausible dates.
SELECT j.ledger_id, (CURRENT_DATE - j.date) AS age_days,
       (SELECT coalesce(sum((l->>'line_amount')::numeric), 0) FROM jsonb_array_elements(j.lines) l) AS balance
FROM {table} j
WHERE j.pair = %(pair)s AND (%(all_rows)s OR j.staged_run_id = %(run_id)s) AND NOT j.deleted;
