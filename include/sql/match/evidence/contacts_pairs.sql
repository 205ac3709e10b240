-- Candidate pairs of contacts: unlinked records of each side sharing a blocking key (an identifier, the name's
-- words in any order, their sound, a word of it, a surname and initial, a one-typo variant of the name). A key held
-- by more records of a side than its cap says too little to be worth comparing on (a common word, a mass mailbox):
-- %(cap)s for an identifier, %(name_cap)s for a whole name, %(fuzzy_cap)s for its sound, a word, a surname and
-- initial or a one-typo variant; so the pairs stay linear in the number of records (names too common for their cap
-- are paired by sorted neighbourhood: contacts_neighbours.sql).
CREATE TEMP TABLE match_pairs ON COMMIT DROP AS
WITH usable AS (
    SELECT key FROM match_keycount
    WHERE greatest(nx, nq) <= CASE kind WHEN 'n:' THEN %(name_cap)s WHEN 'p:' THEN %(fuzzy_cap)s
                                        WHEN 's:' THEN %(fuzzy_cap)s WHEN 't:' THEN %(fuzzy_cap)s
                                        WHEN 'd:' THEN %(fuzzy_cap)s ELSE %(cap)s END
)
SELECT DISTINCT a.ledger_id AS xero_id, b.ledger_id AS quickbooks_id
FROM usable u
JOIN match_keyrows a ON a.key = u.key AND a.xero
JOIN match_keyrows b ON b.key = u.key AND NOT b.xero;
