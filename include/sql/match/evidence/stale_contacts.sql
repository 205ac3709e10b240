-- Staged contacts whose match profile or keys are missing or from an older model (staged before it): recomputed.
SELECT * FROM {table}
WHERE pair = %(pair)s AND (match_keys IS NULL OR (match_profile->>'v')::int IS DISTINCT FROM %(version)s::int);
