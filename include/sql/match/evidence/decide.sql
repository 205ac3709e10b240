-- Which scored pairs link: at least the link weight, no veto, the best candidate of both records, and ahead of
-- every other candidate of either by %(margin)s bits (a record's rival is its next-best candidate, or its best when
-- this pair is not the best; two equal best candidates are each other's rival). Only the narrow columns are ranked;
-- the evidence is joined back for the pairs that link or wait.
CREATE TEMP TABLE match_decided ON COMMIT DROP AS
WITH ranked AS (
    SELECT s.xero_id, s.quickbooks_id, s.weight, s.vetoed,
           count(*) OVER wx AS x_n, max(weight) OVER wx AS x_best, nth_value(weight, 2) OVER wx AS x_second,
           count(*) OVER wq AS q_n, max(weight) OVER wq AS q_best, nth_value(weight, 2) OVER wq AS q_second
    FROM match_scored s
    WINDOW wx AS (PARTITION BY xero_id ORDER BY weight DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
           wq AS (PARTITION BY quickbooks_id ORDER BY weight DESC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
rivals AS (
    SELECT r.*,
           CASE WHEN x_n = 1 THEN NULL WHEN weight = x_best THEN x_second ELSE x_best END AS x_rival,
           CASE WHEN q_n = 1 THEN NULL WHEN weight = q_best THEN q_second ELSE q_best END AS q_rival
    FROM ranked r
)
SELECT xero_id, quickbooks_id, weight, vetoed,
       (weight >= %(link)s AND NOT vetoed
        AND COALESCE(x_rival, -1e6) <= weight - %(margin)s AND COALESCE(q_rival, -1e6) <= weight - %(margin)s)
           AS link,
       COALESCE(x_rival > weight - %(margin)s, false) OR COALESCE(q_rival > weight - %(margin)s, false) AS rival
FROM rivals;
