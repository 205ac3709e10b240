-- Payments staged by this run (all of the pair's on a full check): positive amounts, plausible dates, and the
-- document each pays staged on the same side.
SELECT p.ledger_id, CASE WHEN p.kind = 'credit_allocation' THEN greatest(p.amount, 0.01) ELSE p.amount END AS amount,
       p.currency, (CURRENT_DATE - p.date) AS age_days,
       (p.kind = 'overpayment' OR EXISTS (SELECT 1 FROM {documents_table} d
                                          WHERE d.pair = p.pair AND d.ledger_id = p.document_id)) AS document_resolvable
FROM {table} p
WHERE p.pair = %(pair)s AND (%(all_rows)s OR p.staged_run_id = %(run_id)s) AND NOT p.deleted;
