-- The open queue per reason at the end of each of a pair's last 30 control_totals runs, oldest first.
WITH runs AS (
    SELECT pair, run_id, max(checked_at) AS at
    FROM ledgerbridge.control_totals
    GROUP BY pair, run_id
    ORDER BY max(checked_at) DESC
    LIMIT 30 * (SELECT greatest(count(DISTINCT pair), 1) FROM ledgerbridge.control_totals)
), ranked AS (
    SELECT pair, run_id, at, row_number() OVER (PARTITION BY pair ORDER BY at DESC) AS n FROM runs
)
SELECT r.pair, r.run_id, r.at, t.reason, coalesce(t.open, 0) AS open
FROM ranked r
LEFT JOIN ledgerbridge_report.queue_trend t ON t.pair = r.pair AND t.run_id = r.run_id
WHERE r.n <= 30
ORDER BY r.pair, r.at, t.reason;
