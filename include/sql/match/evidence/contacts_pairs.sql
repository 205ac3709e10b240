-- Candidate pairs of contacts: unlinked records of each side sharing a blocking key (an identifier, the name's
-- words in any order, their sound, a one-typo variant of the name, a word of it, a surname and initial). Keys held
-- by more than %(cap)s records of a side say too little to be worth comparing on (a common word, a mass mailbox).
-- Pairs a person said are different are left out. Equality joins only, so PostgreSQL can hash them.
CREATE TEMP TABLE match_pairs ON COMMIT DROP AS
WITH xk AS (SELECT x.ledger_id, k.key FROM match_x x, jsonb_array_elements_text(x.match_keys) k(key)),
     qk AS (SELECT q.ledger_id, k.key FROM match_q q, jsonb_array_elements_text(q.match_keys) k(key)),
     xn AS (SELECT key FROM xk GROUP BY key HAVING count(*) <= %(cap)s),
     qn AS (SELECT key FROM qk GROUP BY key HAVING count(*) <= %(cap)s)
SELECT DISTINCT xk.ledger_id AS xero_id, qk.ledger_id AS quickbooks_id
FROM xk JOIN xn USING (key) JOIN qn USING (key) JOIN qk USING (key);
