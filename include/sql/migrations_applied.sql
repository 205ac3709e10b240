SELECT version, checksum FROM ledgerbridge.schema_migrations ORDER BY version;
