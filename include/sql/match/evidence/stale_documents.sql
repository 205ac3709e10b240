-- Staged documents without blocking keys (staged before them): computed.
SELECT * FROM {table} WHERE pair = %(pair)s AND match_keys IS NULL;
