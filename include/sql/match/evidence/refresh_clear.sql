TRUNCATE match_refresh;
