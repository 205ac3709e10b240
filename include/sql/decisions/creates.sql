-- "Create it" decisions applied in this run on one-way entities: the planner creates those records against the
-- entity's direction, as a person asked.
SELECT id, ledger, record_id FROM ledgerbridge.decisions
WHERE pair = %(pair)s AND entity = %(entity)s AND decision = 'create' AND status = 'applied'
  AND applied_run_id = %(run_id)s;
