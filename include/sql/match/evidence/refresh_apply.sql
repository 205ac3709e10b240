UPDATE {table} s
SET match_profile = COALESCE(r.match_profile, s.match_profile), match_ids = COALESCE(r.match_ids, s.match_ids),
    match_keys = r.match_keys
FROM match_refresh r
WHERE s.pair = %(pair)s AND s.ledger_id = r.ledger_id;
DROP TABLE match_refresh;
