-- Newest version of each record wins; an unchanged version is not rewritten (so staged_run_id says what changed).
INSERT INTO {table} AS t (pair, staged_run_id, {columns})
SELECT DISTINCT ON (ledger_id) %(pair)s, %(run_id)s, {columns}
FROM {temp}
ORDER BY ledger_id, updated_at DESC NULLS LAST
ON CONFLICT (pair, ledger_id) DO UPDATE
SET ({columns}, staged_run_id, staged_at) = ({columns_excluded}, EXCLUDED.staged_run_id, now())
WHERE t.version IS DISTINCT FROM EXCLUDED.version
   OR t.deleted IS DISTINCT FROM EXCLUDED.deleted
   OR t.updated_at IS DISTINCT FROM EXCLUDED.updated_at;
