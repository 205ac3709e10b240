INSERT INTO ledgerbridge.schema_migrations (version, name, checksum)
VALUES (%(version)s, %(name)s, %(checksum)s);
