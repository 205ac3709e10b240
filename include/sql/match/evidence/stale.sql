-- Staged records whose match profile or keys are missing or from an older model (staged before it): recomputed.
SELECT * FROM {table}
WHERE pair = %(pair)s AND (match_keys IS NULL OR (%(version)s::int IS NOT NULL
                                                  AND (match_profile->>'v')::int IS DISTINCT FROM %(version)s::int));
