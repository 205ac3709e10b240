-- Candidate pairs of contacts: unlinked records of each side sharing a blocking key (an identifier, the name's
-- words in any order, their sound, a word of it, a surname and initial, a one-typo variant of the name). A key held
-- by more than %(cap)s records of a side (a word or a one-typo variant: %(fuzzy_cap)s) says too little to be worth
-- comparing on (a common word, a mass mailbox). The one-typo variants ('d:') are used only by records whose name
-- has no exact counterpart on the other side: they are many, and an exact name already brings its candidates.
-- Keys are counted once over both sides, so those only one side holds drop out before any join.
CREATE TEMP TABLE match_pairs ON COMMIT DROP AS
WITH names AS (
    SELECT key FROM match_keyrows WHERE left(key, 2) = 'n:'
    GROUP BY key HAVING bool_or(xero) AND bool_or(NOT xero)
),
named AS (SELECT DISTINCT r.xero, r.ledger_id FROM match_keyrows r JOIN names USING (key)),
k AS (
    SELECT r.* FROM match_keyrows r
    LEFT JOIN named n ON n.xero = r.xero AND n.ledger_id = r.ledger_id
    WHERE left(r.key, 2) <> 'd:' OR n.ledger_id IS NULL
),
usable AS (
    SELECT key FROM k GROUP BY key
    HAVING count(*) FILTER (WHERE xero) BETWEEN 1 AND CASE WHEN left(key, 2) IN ('t:', 'd:') THEN %(fuzzy_cap)s
                                                           ELSE %(cap)s END
       AND count(*) FILTER (WHERE NOT xero) BETWEEN 1 AND CASE WHEN left(key, 2) IN ('t:', 'd:') THEN %(fuzzy_cap)s
                                                               ELSE %(cap)s END
),
hits AS (SELECT k.* FROM k JOIN usable USING (key))
SELECT DISTINCT a.ledger_id AS xero_id, b.ledger_id AS quickbooks_id
FROM hits a JOIN hits b ON b.key = a.key AND NOT b.xero
WHERE a.xero;
