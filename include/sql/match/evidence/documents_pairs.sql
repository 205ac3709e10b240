-- Candidate pairs of documents: unlinked documents of contacts already linked (the Xero document's contact is
-- translated through the contact entity's links), sharing a number, its last digit group, the total or the date.
-- Keys held by more than %(cap)s documents of one contact on a side are left out; keys are counted once over both
-- sides, so those only one side holds drop out before any join.
CREATE TEMP TABLE match_pairs ON COMMIT DROP AS
WITH k AS (
    SELECT true AS xero, x.ledger_id, c.quickbooks_id || '|' || k.key AS key
    FROM match_x x
    JOIN ledgerbridge.xref c ON c.pair = x.pair AND c.entity = %(contact_entity)s AND c.xero_id = x.contact_id,
         jsonb_array_elements_text(x.match_keys) k(key)
    UNION ALL
    SELECT false, q.ledger_id, q.contact_id || '|' || k.key
    FROM match_q q, jsonb_array_elements_text(q.match_keys) k(key)
),
usable AS (
    SELECT key FROM k GROUP BY key
    HAVING count(*) FILTER (WHERE xero) BETWEEN 1 AND %(cap)s AND count(*) FILTER (WHERE NOT xero) BETWEEN 1 AND %(cap)s
),
hits AS (SELECT k.* FROM k JOIN usable USING (key))
SELECT DISTINCT a.ledger_id AS xero_id, b.ledger_id AS quickbooks_id
FROM hits a JOIN hits b ON b.key = a.key AND NOT b.xero
WHERE a.xero;
