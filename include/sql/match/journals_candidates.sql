-- Journals kept by hand on both sides: the same date and the same lines (accounts and amounts), or at least the
-- same date and total.
WITH x AS (
    SELECT s.* FROM {xero_table} s
    WHERE s.pair = %(pair)s AND NOT s.deleted
      AND NOT EXISTS (SELECT 1 FROM ledgerbridge.xref r
                      WHERE r.pair = s.pair AND r.entity = %(entity)s AND r.xero_id = s.ledger_id)
),
q AS (
    SELECT s.* FROM {qb_table} s
    WHERE s.pair = %(pair)s AND NOT s.deleted
      AND NOT EXISTS (SELECT 1 FROM ledgerbridge.xref r
                      WHERE r.pair = s.pair AND r.entity = %(entity)s AND r.quickbooks_id = s.ledger_id)
),
shape AS (
    SELECT s.ledger_id, s.pair,
           (SELECT jsonb_agg(jsonb_build_array(l->>'account_code', l->>'line_amount') ORDER BY l->>'account_code',
                             l->>'line_amount') FROM jsonb_array_elements(s.lines) l) AS accounts
    FROM (SELECT * FROM x UNION ALL SELECT * FROM q) s
)
INSERT INTO match_candidates (xero_id, quickbooks_id, score, rule)
SELECT x.ledger_id, q.ledger_id,
       CASE WHEN xs.accounts = qs.accounts THEN 1.0 ELSE 0.7 END,
       CASE WHEN xs.accounts = qs.accounts THEN 'date+lines' ELSE 'date+total' END
FROM x
JOIN q ON q.date = x.date AND abs(q.total - x.total) <= 0.005
JOIN shape xs ON xs.ledger_id = x.ledger_id
JOIN shape qs ON qs.ledger_id = q.ledger_id;
