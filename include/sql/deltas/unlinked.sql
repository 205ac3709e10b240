-- Records of one side with no partner on the other (here, or in a sibling entity), that nothing blocks, oldest
-- change first. A record a person decided to ignore is not created. Blocked: a staging or per-record quality problem in the exception queue, or waiting for a match decision — the subject
-- of an open ambiguous_match / possible_match, or a candidate named by one on the other side (never created while
-- a person has still to say whether it is the same as that record).
WITH held AS (
    SELECT c.value->>'id' AS record_id
    FROM ledgerbridge.exceptions e,
         jsonb_array_elements(CASE jsonb_typeof(e.candidates) WHEN 'object' THEN e.candidates->'candidates'
                                                              ELSE '[]'::jsonb END) c
    WHERE e.pair = %(pair)s AND e.entity = %(entity)s AND e.status = 'open' AND e.ledger <> %(ledger)s
      AND e.reason IN ('ambiguous_match', 'possible_match')
)
SELECT s.*
FROM {table} s
WHERE s.pair = %(pair)s AND NOT s.deleted
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.xref r
                  WHERE r.pair = s.pair AND r.entity = %(entity)s AND r.{xref_column} = s.ledger_id)
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.xref r
                  WHERE r.pair = s.pair AND r.entity = ANY(%(siblings)s) AND r.{xref_column} = s.ledger_id)
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.exceptions e
                  WHERE e.pair = s.pair AND e.entity = %(entity)s AND e.ledger = %(ledger)s
                    AND e.record_id = s.ledger_id AND e.status = 'open'
                    AND e.reason IN ('invalid_field', 'unmapped_code', 'unsafe_value', 'out_of_range', 'data_quality',
                                     'ambiguous_match', 'possible_match'))
  AND s.ledger_id NOT IN (SELECT record_id FROM held WHERE record_id IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.ignored_records i
                  WHERE i.pair = s.pair AND i.entity = %(entity)s AND i.ledger = %(ledger)s
                    AND i.record_id = s.ledger_id)
ORDER BY s.updated_at NULLS FIRST, s.ledger_id;
