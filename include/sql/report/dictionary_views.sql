-- The views of the report schema with their comments, in name order.
SELECT c.relname AS view, obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('v', 'm')
ORDER BY c.relname;
