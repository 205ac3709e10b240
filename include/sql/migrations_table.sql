CREATE SCHEMA IF NOT EXISTS ledgerbridge;
CREATE TABLE IF NOT EXISTS ledgerbridge.schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);
