-- The open queue per pair and reason, largest first.
SELECT pair, reason, count(*) AS n
FROM ledgerbridge_report.open_queue
GROUP BY pair, reason
ORDER BY pair, n DESC, reason;
