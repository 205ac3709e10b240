-- A staged record whose raw payload holds strings stored escaped, and their paths.
INSERT INTO ledgerbridge.raw_escapes (pair, entity, ledger, record_id, version, paths, run_id)
VALUES (%(pair)s, %(entity)s, %(ledger)s, %(record_id)s, %(version)s, %(paths)s, %(run_id)s)
ON CONFLICT (pair, entity, ledger, record_id)
DO UPDATE SET version = EXCLUDED.version, paths = EXCLUDED.paths, run_id = EXCLUDED.run_id, updated_at = now();
