-- Journals kept by hand on both sides: the same date and the same lines (accounts and amounts), or at least the
-- same date and total.
WITH shape AS (
    SELECT s.ledger_id, s.pair,
           (SELECT jsonb_agg(jsonb_build_array(l->>'account_code', l->>'line_amount') ORDER BY l->>'account_code',
                             l->>'line_amount') FROM jsonb_array_elements(s.lines) l) AS accounts
    FROM (SELECT * FROM match_x UNION ALL SELECT * FROM match_q) s
)
INSERT INTO match_candidates (xero_id, quickbooks_id, score, rule)
SELECT x.ledger_id, q.ledger_id,
       CASE WHEN xs.accounts = qs.accounts THEN 1.0 ELSE 0.7 END,
       CASE WHEN xs.accounts = qs.accounts THEN 'date+lines' ELSE 'date+total' END
FROM match_x x
JOIN match_q q ON q.date = x.date AND abs(q.total - x.total) <= 0.005
JOIN shape xs ON xs.ledger_id = x.ledger_id
JOIN shape qs ON qs.ledger_id = q.ledger_id;
