-- Writes planned in this run for records a decision applied in this run touched carry that decision, so their
-- audit rows name it and its author.
UPDATE ledgerbridge.outbox o
SET decision_id = d.id
FROM ledgerbridge.decisions d
WHERE o.pair = %(pair)s AND o.entity = %(entity)s AND o.planned_run_id = %(run_id)s AND o.decision_id IS NULL
  AND d.pair = o.pair AND d.entity = o.entity AND d.status = 'applied' AND d.applied_run_id = %(run_id)s
  AND (o.source_id IN (d.record_id, d.other_id) OR o.target_id IN (d.record_id, d.other_id));
