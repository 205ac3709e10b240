-- How many unlinked records of each side hold each blocking key, counted once for the statements that follow;
-- keys only one side holds drop out here. (No parameters: several statements; the temporary tables get statistics
-- so the joins that follow are planned as hash joins.)
ANALYZE match_keyrows;
CREATE TEMP TABLE match_keycount ON COMMIT DROP AS
SELECT key, kind, nx, nq
FROM (SELECT key, kind, count(*) FILTER (WHERE xero) AS nx, count(*) FILTER (WHERE NOT xero) AS nq
      FROM match_keyrows GROUP BY key, kind) c
WHERE nx > 0 AND nq > 0;
ANALYZE match_keycount;
