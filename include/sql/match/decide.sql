-- A candidate is plausible from a score of 0.7. A record links automatically only to a partner that is the
-- best for both, when no other plausible partner of either comes within 0.2 of it; every other plausible pair
-- is ambiguous and goes to the exception queue with its candidates. Returns one row per plausible pair.
WITH plausible AS (
    SELECT * FROM match_candidates WHERE score >= 0.7
),
x_best AS (
    SELECT xero_id, max(score) AS best FROM plausible GROUP BY xero_id
),
q_best AS (
    SELECT quickbooks_id, max(score) AS best FROM plausible GROUP BY quickbooks_id
),
x_close AS (
    SELECT p.xero_id, count(*) AS n FROM plausible p JOIN x_best b USING (xero_id)
    WHERE p.score > b.best - 0.2 GROUP BY p.xero_id
),
q_close AS (
    SELECT p.quickbooks_id, count(*) AS n FROM plausible p JOIN q_best b USING (quickbooks_id)
    WHERE p.score > b.best - 0.2 GROUP BY p.quickbooks_id
)
SELECT p.xero_id, p.quickbooks_id, p.score, p.rule,
       (p.score = xb.best AND p.score = qb.best AND xc.n = 1 AND qc.n = 1) AS link,
       xc.n AS xero_close, qc.n AS quickbooks_close
FROM plausible p
JOIN x_best xb USING (xero_id)
JOIN q_best qb USING (quickbooks_id)
JOIN x_close xc USING (xero_id)
JOIN q_close qc USING (quickbooks_id)
ORDER BY p.xero_id, p.score DESC, p.quickbooks_id;
