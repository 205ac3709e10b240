-- How many decisions wait, per entity (of one pair, or all).
SELECT entity, count(*) AS n FROM ledgerbridge.decisions
WHERE status = 'pending' AND (%(pair)s::text IS NULL OR pair = %(pair)s)
GROUP BY entity;
