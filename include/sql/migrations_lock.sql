-- Serialise concurrent migration runs for the length of the transaction.
SELECT pg_advisory_xact_lock(%(key)s);
