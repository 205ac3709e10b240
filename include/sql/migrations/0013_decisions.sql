-- Issue 8: people in the loop. A person decides what to do with an open exception; the next run of that entity
-- applies each decision exactly once, through the same outbox and audit log as automatic writes.

-- What may be decided for each exception reason. Mirrors reconcile.decisions.OFFERS (a test keeps the two equal),
-- so SQL views can join the decisions an exception offers. A reason not listed offers the '*' row's decisions.
CREATE TABLE ledgerbridge.decision_offers (
    reason      text NOT NULL,
    decision    text NOT NULL,      -- link | create | different | keep | unlink | retry | ignore | pick
    needs       text,               -- what the decision names: candidate | record_id | side | NULL
    describes   text NOT NULL,      -- one line a person reads
    position    integer NOT NULL,   -- the order decisions are offered in
    PRIMARY KEY (reason, decision)
);

INSERT INTO ledgerbridge.decision_offers (reason, decision, needs, describes, position) VALUES
    ('possible_match', 'link', 'candidate', 'link to candidate N (a manual link)', 1),
    ('possible_match', 'create', NULL, 'these are different records: never propose them again, create', 2),
    ('possible_match', 'ignore', NULL, 'leave it out of the queue and the control totals', 3),
    ('ambiguous_match', 'link', 'candidate', 'link to candidate N (a manual link)', 1),
    ('ambiguous_match', 'create', NULL, 'these are different records: never propose them again, create', 2),
    ('ambiguous_match', 'ignore', NULL, 'leave it out of the queue and the control totals', 3),
    ('weak_link', 'keep', NULL, 'keep the link (it becomes a manual link)', 1),
    ('weak_link', 'unlink', NULL, 'undo the link: the two are different records', 2),
    ('identity_conflict', 'pick', 'side', 'take the Xero or the QuickBooks value', 1),
    ('identity_conflict', 'ignore', NULL, 'leave it out of the queue', 2),
    ('conflict', 'pick', 'side', 'take the Xero or the QuickBooks value (field by field or the whole record)', 1),
    ('conflict', 'ignore', NULL, 'leave it out of the queue', 2),
    ('unmatched', 'link', 'record_id', 'link to a record id on the other ledger', 1),
    ('unmatched', 'create', NULL, 'create it on the other ledger', 2),
    ('unmatched', 'ignore', NULL, 'leave it out of the queue and the control totals', 3),
    ('one_sided', 'link', 'record_id', 'link to a record id on the other ledger', 1),
    ('one_sided', 'create', NULL, 'create it on the other ledger', 2),
    ('one_sided', 'ignore', NULL, 'leave it out of the queue and the control totals', 3),
    ('unmapped_code', 'retry', NULL, 'retry now (after the mapping was added)', 1),
    ('unmapped_code', 'ignore', NULL, 'leave it out of the queue and the control totals', 2),
    ('unmapped_code_write', 'retry', NULL, 'retry now (after the mapping was added)', 1),
    ('unmapped_code_write', 'ignore', NULL, 'leave it out of the queue and the control totals', 2),
    ('currency_not_enabled', 'retry', NULL, 'retry now (after the currency was enabled)', 1),
    ('currency_not_enabled', 'ignore', NULL, 'leave it out of the queue and the control totals', 2),
    ('home_currency_mismatch', 'retry', NULL, 'retry now (after the ledger changed)', 1),
    ('home_currency_mismatch', 'ignore', NULL, 'leave it out of the queue and the control totals', 2),
    ('write_failed', 'retry', NULL, 'retry the write now', 1),
    ('write_failed', 'ignore', NULL, 'leave it out of the queue and the control totals', 2),
    ('write_failed', 'pick', 'side', 'take the other side''s value, where the conflict rule allows it', 3),
    ('locked', 'retry', NULL, 'retry the write now', 1),
    ('locked', 'ignore', NULL, 'leave it out of the queue and the control totals', 2),
    ('locked', 'pick', 'side', 'take the other side''s value, where the conflict rule allows it', 3),
    ('not_editable', 'retry', NULL, 'retry the write now', 1),
    ('not_editable', 'ignore', NULL, 'leave it out of the queue and the control totals', 2),
    ('not_editable', 'pick', 'side', 'take the other side''s value, where the conflict rule allows it', 3),
    ('invalid_field', 'retry', NULL, 'retry now (after the record was corrected)', 1),
    ('invalid_field', 'ignore', NULL, 'leave it out of the queue and the control totals', 2),
    ('*', 'retry', NULL, 'retry now', 1),
    ('*', 'ignore', NULL, 'leave it out of the queue and the control totals', 2);

-- Decisions people took. Validated before they are recorded (reconcile.decisions); applied by the next run of the
-- entity exactly once: the run claims a pending decision in the transaction that applies it.
CREATE TABLE ledgerbridge.decisions (
    id              bigserial PRIMARY KEY,
    exception_id    bigint NOT NULL REFERENCES ledgerbridge.exceptions (id),
    pair            text NOT NULL,
    entity          text NOT NULL,
    ledger          text NOT NULL,      -- the ledger of the exception's record
    record_id       text NOT NULL,
    reason          text NOT NULL,      -- the exception's reason when decided
    decision        text NOT NULL,      -- one of decision_offers.decision for that reason
    candidate       integer,            -- link: the candidate's n
    other_id        text,               -- link: the record on the other ledger
    side            text CHECK (side IN ('xero', 'quickbooks')),   -- pick: whose value
    fields          text[],             -- pick: only these fields (NULL: the whole record)
    record_version  text,               -- the record's version when decided: re-checked before applying
    decided_by      text NOT NULL,
    decided_at      timestamptz NOT NULL DEFAULT now(),
    note            text,               -- the person's reason, free text
    via             text NOT NULL DEFAULT 'sql',   -- sql | cli | airflow
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'applied', 'recheck', 'cancelled')),
    applied_at      timestamptz,
    applied_run_id  text,
    outcome         text
);
-- one pending decision per exception: a second one replaces nothing silently, it is refused
CREATE UNIQUE INDEX decisions_pending ON ledgerbridge.decisions (exception_id) WHERE status = 'pending';
CREATE INDEX decisions_entity ON ledgerbridge.decisions (pair, entity, status);

-- A write planned from a decision carries it to the outbox, and its audit rows name the decision and its author.
ALTER TABLE ledgerbridge.outbox ADD COLUMN decision_id bigint REFERENCES ledgerbridge.decisions (id);
ALTER TABLE ledgerbridge.audit_log ADD COLUMN decision_id bigint REFERENCES ledgerbridge.decisions (id),
    ADD COLUMN decided_by text;

-- An ignored record: out of the queue and out of the control-total differences, listed separately.
ALTER TABLE ledgerbridge.exceptions DROP CONSTRAINT exceptions_status_check;
ALTER TABLE ledgerbridge.exceptions ADD CONSTRAINT exceptions_status_check
    CHECK (status IN ('open', 'resolved', 'ignored'));
CREATE TABLE ledgerbridge.ignored_records (
    pair            text NOT NULL,
    entity          text NOT NULL,
    ledger          text NOT NULL,
    record_id       text NOT NULL,
    record_label    text,
    reason          text NOT NULL,
    decision_id     bigint REFERENCES ledgerbridge.decisions (id),
    ignored_by      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, entity, ledger, record_id)
);

-- Alerts sent, so a digest or an overdue-balance alert goes once (per run, or per contact per day).
CREATE TABLE ledgerbridge.alerts_sent (
    id              bigserial PRIMARY KEY,
    event           text NOT NULL,      -- new_exceptions | approval_waiting | task_failed | totals_differ | overdue | ...
    dedupe_key      text NOT NULL,      -- e.g. run id, or pair:contact:day
    channels        text[] NOT NULL DEFAULT '{}',
    summary         text,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event, dedupe_key)
);
