-- The exceptions a run opened (first seen in it), for the digest: by reason, with the first few records.
SELECT e.reason, e.entity, e.ledger, e.record_id, e.record_label, e.field,
       count(*) OVER (PARTITION BY e.reason) AS n,
       row_number() OVER (PARTITION BY e.reason ORDER BY e.entity, e.id) AS k
FROM ledgerbridge.exceptions e
WHERE e.first_run_id = %(run_id)s AND e.status = 'open'
  AND (%(pair)s::text IS NULL OR e.pair = %(pair)s)
  AND (%(entity)s::text IS NULL OR e.entity = %(entity)s)
ORDER BY e.reason, k;
