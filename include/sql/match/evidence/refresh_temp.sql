CREATE TEMP TABLE match_refresh (ledger_id text PRIMARY KEY, match_profile jsonb, match_ids jsonb,
                                 match_keys jsonb, match_typo_keys jsonb) ON COMMIT DROP;
