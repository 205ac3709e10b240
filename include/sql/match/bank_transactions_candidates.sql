-- Bank transactions kept by hand on both sides: the same direction (money in or out), bank account and total,
-- on the same date (a day or two apart is still plausible: one side may have the bank's date).
INSERT INTO match_candidates (xero_id, quickbooks_id, score, rule)
SELECT x.ledger_id, q.ledger_id,
       CASE WHEN x.date = q.date THEN 0.9 ELSE 0.75 END,
       CASE WHEN x.date = q.date THEN 'account+amount+date' ELSE 'account+amount+near date' END
FROM match_x x
JOIN match_q q ON q.kind = x.kind AND q.bank_account = x.bank_account AND abs(q.total - x.total) <= 0.005
      AND abs(q.date - x.date) <= 3;
