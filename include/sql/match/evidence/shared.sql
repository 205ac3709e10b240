-- Identifiers (e-mail, tax number, phone, domain) held by more than one live record on one side of the pair: a
-- bookkeeper's or a group's mailbox, a VAT group's number, a switchboard. Agreement on one of them is weak evidence.
-- Each side's unlinked records note which of their identifiers are shared.
CREATE TEMP TABLE match_shared ON COMMIT DROP AS
SELECT k.key
FROM {xero_table} s, jsonb_array_elements_text(s.match_ids) k(key)
WHERE s.pair = %(pair)s AND NOT s.deleted
GROUP BY k.key HAVING count(*) > 1
UNION
SELECT k.key
FROM {qb_table} s, jsonb_array_elements_text(s.match_ids) k(key)
WHERE s.pair = %(pair)s AND NOT s.deleted
GROUP BY k.key HAVING count(*) > 1;
