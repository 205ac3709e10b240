-- A plan waits for approval; asked once per run (a retried task finds the same plan).
INSERT INTO ledgerbridge.approvals (pair, entity, run_id, mode, gated_by, plan, outbox_ids)
VALUES (%(pair)s, %(entity)s, %(run_id)s, %(mode)s, %(gated_by)s, %(plan)s, %(outbox_ids)s)
ON CONFLICT (pair, entity, run_id) DO NOTHING;
