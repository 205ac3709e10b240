-- Every decision taken on one exception, newest first.
SELECT id, decision, candidate, other_id, side, fields, decided_by, decided_at, note, via, status, applied_at,
       applied_run_id, outcome
FROM ledgerbridge.decisions WHERE exception_id = %(exception_id)s ORDER BY id DESC;
