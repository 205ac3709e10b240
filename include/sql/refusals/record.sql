-- A ledger refused this record's write at this version: nothing is planned for it again until it changes or a
-- person clears the refusal (refusals/clear.sql).
INSERT INTO ledgerbridge.refusals
    (pair, entity, ledger, source_ledger, source_id, source_version, operation, field, message, codes, outbox_id,
     run_id)
VALUES (%(pair)s, %(entity)s, %(ledger)s, %(source_ledger)s, %(source_id)s, %(source_version)s, %(operation)s,
        %(field)s, %(message)s, %(codes)s, %(outbox_id)s, %(run_id)s)
ON CONFLICT (pair, entity, ledger, source_id)
DO UPDATE SET source_ledger = EXCLUDED.source_ledger, source_version = EXCLUDED.source_version,
              operation = EXCLUDED.operation, field = EXCLUDED.field, message = EXCLUDED.message,
              codes = EXCLUDED.codes, outbox_id = EXCLUDED.outbox_id, run_id = EXCLUDED.run_id, created_at = now();
