-- Each side's unlinked records note which of their identifiers are shared (no parameters: several statements).
ANALYZE match_shared;
ALTER TABLE match_x ADD COLUMN shared text[];
ALTER TABLE match_q ADD COLUMN shared text[];
UPDATE match_x x SET shared = s.keys
FROM (SELECT m.ledger_id, array_agg(k.key) AS keys
      FROM match_x m, jsonb_array_elements_text(m.match_ids) k(key)
      WHERE k.key IN (SELECT key FROM match_shared) GROUP BY m.ledger_id) s
WHERE x.ledger_id = s.ledger_id;
UPDATE match_q q SET shared = s.keys
FROM (SELECT m.ledger_id, array_agg(k.key) AS keys
      FROM match_q m, jsonb_array_elements_text(m.match_ids) k(key)
      WHERE k.key IN (SELECT key FROM match_shared) GROUP BY m.ledger_id) s
WHERE q.ledger_id = s.ledger_id;
