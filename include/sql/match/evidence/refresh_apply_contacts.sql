UPDATE {table} s
SET match_profile = r.match_profile, match_ids = r.match_ids, match_keys = r.match_keys,
    match_typo_keys = r.match_typo_keys
FROM match_refresh r
WHERE s.pair = %(pair)s AND s.ledger_id = r.ledger_id;
