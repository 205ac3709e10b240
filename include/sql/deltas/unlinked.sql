-- Records of one side with no partner on the other (here, or in a sibling entity), that nothing blocks (a staging problem or an ambiguous
-- match in the exception queue), oldest change first.
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
                    AND e.reason IN ('invalid_field', 'unmapped_code', 'ambiguous_match'))
ORDER BY s.updated_at NULLS FIRST, s.ledger_id;
