COPY match_refresh (ledger_id, match_profile, match_ids, match_keys, match_typo_keys) FROM STDIN;
