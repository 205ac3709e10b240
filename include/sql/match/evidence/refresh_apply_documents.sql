UPDATE {table} s SET match_keys = r.match_keys
FROM match_refresh r
WHERE s.pair = %(pair)s AND s.ledger_id = r.ledger_id;
