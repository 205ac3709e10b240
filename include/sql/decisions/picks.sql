-- "Take this side's value" decisions applied in this run: the planner writes them for their linked pairs.
SELECT id, ledger, record_id, other_id, side, fields, decided_by FROM ledgerbridge.decisions
WHERE pair = %(pair)s AND entity = %(entity)s AND decision = 'pick' AND status = 'applied'
  AND applied_run_id = %(run_id)s;
