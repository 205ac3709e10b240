-- A per-transaction copy of the staging table's shape, filled by COPY from the hook's generator.
CREATE TEMP TABLE {temp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP;
