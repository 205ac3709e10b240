-- Linked records by id, each saying whether something in the queue holds it: a staging problem, or (on the Xero
-- record of a pair) a link whose evidence became weak, which waits for a person before anything is written,
-- or a record a person decided to ignore.
SELECT s.*,
       EXISTS (SELECT 1 FROM ledgerbridge.exceptions e
               WHERE e.pair = s.pair AND e.entity = %(entity)s AND e.ledger = %(ledger)s
                 AND e.record_id = s.ledger_id AND e.status = 'open'
                 AND e.reason IN ('invalid_field', 'unmapped_code', 'unsafe_value', 'out_of_range', 'data_quality',
                                  'weak_link'))
       OR EXISTS (SELECT 1 FROM ledgerbridge.ignored_records i
                  WHERE i.pair = s.pair AND i.entity = %(entity)s AND i.ledger = %(ledger)s
                    AND i.record_id = s.ledger_id) AS blocked
FROM {table} s
WHERE s.pair = %(pair)s AND s.ledger_id = ANY(%(ids)s);
