-- The blocking keys of both sides' unlinked contacts, one row per record and key.
CREATE TEMP TABLE match_keyrows ON COMMIT DROP AS
SELECT true AS xero, x.ledger_id, k.key FROM match_x x, jsonb_array_elements_text(x.match_keys) k(key)
UNION ALL
SELECT false, q.ledger_id, k.key FROM match_q q, jsonb_array_elements_text(q.match_keys) k(key);
