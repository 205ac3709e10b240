-- The blocking keys of both sides' unlinked contacts, one row per record and key: the key's kind (its prefix: 'n:'
-- a whole name, 'e:' an e-mail, ...) and the key as a 64-bit hash, so counting and joining millions of them stays
-- small and in memory (two different keys sharing a hash only add a candidate pair, which scoring then weighs).
CREATE TEMP TABLE match_keyrows ON COMMIT DROP AS
SELECT true AS xero, x.ledger_id, left(k.key, 2) AS kind, hashtextextended(k.key, 0) AS key
FROM match_x x, jsonb_array_elements_text(x.match_keys) k(key)
UNION ALL
SELECT false, q.ledger_id, left(k.key, 2), hashtextextended(k.key, 0)
FROM match_q q, jsonb_array_elements_text(q.match_keys) k(key);
