-- Issue 17: one bad record never holds back the rest.
-- raw_escapes: the staged records whose raw payload holds strings stored escaped (NUL or a lone surrogate, which
-- PostgreSQL cannot store): in the strings at these JSON paths "\" is doubled and such a character is written as
-- "\uXXXX" (reconcile.quarantine.unescape_text turns them back). Every other string of the raw payload is as the
-- ledger sent it.
CREATE TABLE ledgerbridge.raw_escapes (
    pair            text NOT NULL,
    entity          text NOT NULL,
    ledger          text NOT NULL,
    record_id       text NOT NULL,
    version         text,
    paths           text[] NOT NULL,
    run_id          text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, entity, ledger, record_id)
);

-- refusals: a write the receiving ledger refused for what it carries (a validation error), keyed by the source
-- record and the version of it that was refused. While the source record is still at that version nothing is
-- planned for it again (no re-send every night); a new version of the record, or a person clearing the refusal
-- (include/sql/refusals/clear.sql, reconcile.refusals.clear), lets it be planned again. Transport errors never
-- land here: they are retried as before.
CREATE TABLE ledgerbridge.refusals (
    pair            text NOT NULL,
    entity          text NOT NULL,
    ledger          text NOT NULL,      -- the ledger that refused the write
    source_ledger   text NOT NULL,
    source_id       text NOT NULL,      -- the record whose write was refused
    source_version  text,               -- the version of it that was refused
    operation       text NOT NULL,
    field           text,
    message         text NOT NULL,
    codes           text[],
    outbox_id       bigint,
    run_id          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, entity, ledger, source_id)
);
