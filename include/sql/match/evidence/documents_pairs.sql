-- Candidate pairs of documents: unlinked documents of contacts already linked (the Xero document's contact is
-- translated through the contact entity's links), sharing a number, its last digit group, the total or the date. Keys held
-- by more than %(cap)s documents of one contact on a side are left out. Pairs a person said are different too.
CREATE TEMP TABLE match_pairs ON COMMIT DROP AS
WITH xk AS (SELECT x.ledger_id, c.quickbooks_id || '|' || k.key AS key
            FROM match_x x
            JOIN ledgerbridge.xref c ON c.pair = x.pair AND c.entity = %(contact_entity)s AND c.xero_id = x.contact_id,
                 jsonb_array_elements_text(x.match_keys) k(key)),
     qk AS (SELECT q.ledger_id, q.contact_id || '|' || k.key AS key
            FROM match_q q, jsonb_array_elements_text(q.match_keys) k(key)),
     xn AS (SELECT key FROM xk GROUP BY key HAVING count(*) <= %(cap)s),
     qn AS (SELECT key FROM qk GROUP BY key HAVING count(*) <= %(cap)s)
SELECT DISTINCT xk.ledger_id AS xero_id, qk.ledger_id AS quickbooks_id
FROM xk JOIN xn USING (key) JOIN qn USING (key) JOIN qk USING (key);
