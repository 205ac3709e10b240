-- Sorted neighbourhood for names too common to pair everyone (a whole name or a surname and initial above its cap:
-- twenty "Sarah Jones", forty "Jones S" a side): within such a key, records of both sides are sorted by postcode, street, e-mail and phone, and each is
-- paired with the records of the other side at most %(window)s places away. Copies of one person sort together;
-- the pairs stay linear in the number of records.
INSERT INTO match_pairs (xero_id, quickbooks_id)
WITH common AS (
    SELECT key FROM match_keyrows WHERE left(key, 2) IN ('n:', 's:')
    GROUP BY key
    HAVING bool_or(xero) AND bool_or(NOT xero)
       AND greatest(count(*) FILTER (WHERE xero), count(*) FILTER (WHERE NOT xero))
           > CASE left(key, 2) WHEN 'n:' THEN %(name_cap)s ELSE %(fuzzy_cap)s END
),
members AS (
    SELECT r.key, r.xero, r.ledger_id,
           row_number() OVER (PARTITION BY r.key ORDER BY coalesce(p.match_profile->>'postcode', '~'),
                              coalesce(p.match_profile->>'street', '~'), coalesce(p.match_profile->>'email', '~'),
                              coalesce(p.match_profile->>'phone', '~'), r.xero, r.ledger_id) AS rn
    FROM match_keyrows r
    JOIN common USING (key)
    JOIN (SELECT true AS xero, ledger_id, match_profile FROM match_x
          UNION ALL SELECT false, ledger_id, match_profile FROM match_q) p
      ON p.xero = r.xero AND p.ledger_id = r.ledger_id
)
SELECT DISTINCT a.ledger_id, b.ledger_id
FROM members a
CROSS JOIN generate_series(-%(window)s::int, %(window)s::int) o(step)
JOIN members b ON b.key = a.key AND b.rn = a.rn + o.step AND NOT b.xero
WHERE a.xero
EXCEPT
SELECT xero_id, quickbooks_id FROM match_pairs;
