-- Items kept by hand on both sides: the same code (Xero Code, QuickBooks Sku), or the same name.
INSERT INTO match_candidates (xero_id, quickbooks_id, score, rule)
SELECT x.ledger_id, q.ledger_id,
       CASE WHEN upper(x.code) = upper(q.code) AND x.norm_name = q.norm_name THEN 1.0
            WHEN upper(x.code) = upper(q.code) THEN 0.9
            ELSE 0.7 END,
       concat_ws('+', CASE WHEN upper(x.code) = upper(q.code) THEN 'code' END,
                 CASE WHEN x.norm_name = q.norm_name THEN 'name' END)
FROM match_x x JOIN match_q q ON upper(x.code) = upper(q.code) OR x.norm_name = q.norm_name;
