-- Only forward: a re-read of older changes never moves the watermark back.
INSERT INTO ledgerbridge.watermarks (pair, ledger, entity, watermark, run_id)
VALUES (%(pair)s, %(ledger)s, %(entity)s, %(watermark)s, %(run_id)s)
ON CONFLICT (pair, ledger, entity) DO UPDATE
SET watermark = GREATEST(ledgerbridge.watermarks.watermark, EXCLUDED.watermark),
    run_id = EXCLUDED.run_id,
    updated_at = now();
