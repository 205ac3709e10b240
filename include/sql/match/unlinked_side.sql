-- The records of one side the matching rules may use: not linked in this entity (nor in a sibling sharing the
-- ledger resource), not blocked by a staging problem in the exception queue, and not deleted (unless the rules
-- want deleted ones too, as payments do: a payment deleted on one side still pairs with its partner).
-- A record held for a value we will not carry (unsafe_value, out_of_range, data_quality) is still matched: linked
-- to its partner it keeps that partner from being copied across as a duplicate, and nothing is written for a held
-- pair (deltas/rows_by_id.sql) or created from a held record (deltas/unlinked.sql).
CREATE TEMP TABLE {temp} ON COMMIT DROP AS
SELECT s.*
FROM {table} s
WHERE s.pair = %(pair)s AND (%(with_deleted)s OR NOT s.deleted)
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.xref r
                  WHERE r.pair = s.pair AND r.entity = ANY(%(entities)s) AND r.{xref_column} = s.ledger_id)
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.exceptions e
                  WHERE e.pair = s.pair AND e.entity = %(entity)s AND e.ledger = %(ledger)s
                    AND e.record_id = s.ledger_id AND e.status = 'open'
                    AND e.reason IN ('invalid_field', 'unmapped_code'));
