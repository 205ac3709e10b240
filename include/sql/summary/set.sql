-- Each phase sets the counts it owns (the others are passed as NULL and kept), so a retried task overwrites its
-- own counts instead of adding to them.
INSERT INTO ledgerbridge.run_summary AS s
    (run_id, dag_id, pair, entity, ledger, read, staged, matched, created, updated, voided, conflicts, exceptions,
     failed)
VALUES (%(run_id)s, %(dag_id)s, %(pair)s, %(entity)s, %(ledger)s, COALESCE(%(read)s, 0), COALESCE(%(staged)s, 0),
        COALESCE(%(matched)s, 0), COALESCE(%(created)s, 0), COALESCE(%(updated)s, 0), COALESCE(%(voided)s, 0),
        COALESCE(%(conflicts)s, 0), COALESCE(%(exceptions)s, 0), COALESCE(%(failed)s, 0))
ON CONFLICT (run_id, pair, entity, ledger) DO UPDATE
SET read = COALESCE(%(read)s, s.read),
    staged = COALESCE(%(staged)s, s.staged),
    matched = COALESCE(%(matched)s, s.matched),
    created = COALESCE(%(created)s, s.created),
    updated = COALESCE(%(updated)s, s.updated),
    voided = COALESCE(%(voided)s, s.voided),
    conflicts = COALESCE(%(conflicts)s, s.conflicts),
    exceptions = COALESCE(%(exceptions)s, s.exceptions),
    failed = COALESCE(%(failed)s, s.failed),
    updated_at = now();
