-- Sorted neighbourhood for names too common to pair everyone (a whole name or a surname and initial above its cap:
-- twenty "Sarah Jones", forty "Jones S" a side). Within such a key, records of both sides are sorted several times,
-- once per field (postcode, street, e-mail, phone), and each is paired with the records of the other side at most
-- %(window)s places away in any of the orders. A record takes part only in the orders of the fields it has, so a
-- field missing on one copy (a postcode left out) does not push it away from its partner in the other orders. A
-- last order puts the records with the fewest of those fields first (shuffled by a hash of the id, so both sides
-- mix): a record with nothing but its name still meets some of its namesakes, and on that evidence alone waits for
-- a person rather than being created beside them. Copies of one person sort together; the pairs stay linear in the
-- number of records.
INSERT INTO match_pairs (xero_id, quickbooks_id)
WITH common AS (
    SELECT key FROM match_keycount
    WHERE kind IN ('n:', 's:') AND greatest(nx, nq) > CASE kind WHEN 'n:' THEN %(name_cap)s ELSE %(fuzzy_cap)s END
),
members AS (
    SELECT r.key, f.field, r.xero, r.ledger_id,
           row_number() OVER (PARTITION BY r.key, f.field ORDER BY f.value, r.xero, r.ledger_id) AS rn
    FROM match_keyrows r
    JOIN common USING (key)
    JOIN (SELECT true AS xero, ledger_id, match_profile FROM match_x
          UNION ALL SELECT false, ledger_id, match_profile FROM match_q) p
      ON p.xero = r.xero AND p.ledger_id = r.ledger_id
    CROSS JOIN LATERAL (VALUES (1, p.match_profile->>'postcode'), (2, p.match_profile->>'street'),
                               (3, p.match_profile->>'email'), (4, p.match_profile->>'phone'),
                               (5, ((p.match_profile->>'postcode' IS NOT NULL)::int
                                    + (p.match_profile->>'street' IS NOT NULL)::int
                                    + (p.match_profile->>'email' IS NOT NULL)::int
                                    + (p.match_profile->>'phone' IS NOT NULL)::int)::text
                                   || ':' || hashtext(r.ledger_id)::text)) f(field, value)
    WHERE f.value IS NOT NULL
)
SELECT DISTINCT a.ledger_id, b.ledger_id
FROM members a
CROSS JOIN generate_series(-%(window)s::int, %(window)s::int) o(step)
JOIN members b ON b.key = a.key AND b.field = a.field AND b.rn = a.rn + o.step AND NOT b.xero
WHERE a.xero
EXCEPT
SELECT xero_id, quickbooks_id FROM match_pairs;
