-- Records staged again in this run without anything escaped keep no escape paths.
DELETE FROM ledgerbridge.raw_escapes e
USING {temp} s
WHERE e.pair = %(pair)s AND e.entity = %(entity)s AND e.ledger = %(ledger)s AND e.record_id = s.ledger_id
  AND NOT (s.ledger_id = ANY(%(escaped)s));
