-- Documents (invoices, bills, credit notes) kept by hand on both sides: for a contact already linked, the same
-- number (a prefix and leading zeros allowed: norm_number), the same total within a cent, and the same date. Two
-- different numbers argue against a match.
WITH pairs AS (
    SELECT x.ledger_id AS xero_id, q.ledger_id AS quickbooks_id,
           x.norm_number = q.norm_number AS number_eq,
           COALESCE(x.norm_number <> q.norm_number, false) AS number_conflict,
           abs(x.total - q.total) <= 0.01 AS amount_eq,
           x.date = q.date AS date_eq
    FROM match_x x
    JOIN ledgerbridge.xref c
      ON c.pair = x.pair AND c.entity = %(contact_entity)s AND c.xero_id = x.contact_id
    JOIN match_q q
      ON q.contact_id = c.quickbooks_id
     AND (x.norm_number = q.norm_number OR (abs(x.total - q.total) <= 0.01 AND x.date = q.date))
),
scored AS (
    SELECT xero_id, quickbooks_id,
           CASE
               WHEN number_eq AND amount_eq THEN 1.0
               WHEN number_eq AND date_eq THEN 0.85
               WHEN NOT number_conflict AND amount_eq AND date_eq THEN 0.8
               WHEN number_eq THEN 0.75
               ELSE 0
           END AS score,
           concat_ws('+',
                     CASE WHEN number_eq THEN 'number' END,
                     'contact',
                     CASE WHEN amount_eq THEN 'amount' END,
                     CASE WHEN date_eq THEN 'date' END) AS rule
    FROM pairs
)
INSERT INTO match_candidates (xero_id, quickbooks_id, score, rule)
SELECT xero_id, quickbooks_id, score, rule FROM scored WHERE score > 0;
