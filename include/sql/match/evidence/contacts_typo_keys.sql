-- One-typo variants of the name ('d:' keys), added only for records whose name has no exact counterpart on the
-- other side: an exact name already brings its candidates, and the variants are many.
INSERT INTO match_keyrows (xero, ledger_id, kind, key)
WITH names AS (
    SELECT key FROM match_keyrows WHERE kind = 'n:'
    GROUP BY key HAVING bool_or(xero) AND bool_or(NOT xero) AND count(*) <= 2 * %(name_cap)s
),
named AS (SELECT DISTINCT r.xero, r.ledger_id FROM match_keyrows r JOIN names USING (key) WHERE r.kind = 'n:')
SELECT true, x.ledger_id, 'd:', hashtextextended(k.key, 0)
FROM match_x x LEFT JOIN named n ON n.xero AND n.ledger_id = x.ledger_id,
     jsonb_array_elements_text(x.match_typo_keys) k(key)
WHERE n.ledger_id IS NULL
UNION ALL
SELECT false, q.ledger_id, 'd:', hashtextextended(k.key, 0)
FROM match_q q LEFT JOIN named n ON NOT n.xero AND n.ledger_id = q.ledger_id,
     jsonb_array_elements_text(q.match_typo_keys) k(key)
WHERE n.ledger_id IS NULL;
