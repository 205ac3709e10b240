-- How many audit_log rows a pair has between two dates (inclusive, UTC): what an export must hold.
SELECT count(*) AS n
FROM ledgerbridge.audit_log
WHERE pair = %(pair)s
  AND at >= %(date_from)s::date::timestamptz
  AND at < (%(date_to)s::date + 1)::timestamptz;
