-- Every write of a pair between two dates (inclusive, UTC), oldest first, for the audit export.
SELECT id, at, run_id, dag_id, try_number, pair, entity, ledger, operation, outcome, source_ledger, source_id,
       source_label, target_id, target_label, payload_hash, idempotency_key, answer_error, answer, basis,
       planned_run_id, outbox_id
FROM ledgerbridge_report.audit_trail
WHERE pair = %(pair)s
  AND at >= %(date_from)s::date::timestamptz
  AND at < (%(date_to)s::date + 1)::timestamptz
ORDER BY at, id;
