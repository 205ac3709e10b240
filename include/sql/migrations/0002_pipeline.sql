-- The alignment pipeline: staging mirrors of both ledgers, data-quality results, the cross-reference of linked
-- records, field differences, the exception queue, the write outbox, the audit log and run summaries.
-- "pair" is the company pair's name from config/pairs.yaml.

-- Watermarks: the newest change staged per ledger, entity and pair; advanced only in the transaction that commits
-- the staged rows.
CREATE TABLE ledgerbridge.watermarks (
    pair        text NOT NULL,
    ledger      text NOT NULL,
    entity      text NOT NULL,
    watermark   timestamptz NOT NULL,
    run_id      text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, ledger, entity)
);

-- Staging mirrors: one table per ledger and entity, the raw JSON plus typed columns in a ledger-neutral form
-- (codes are Xero's: QuickBooks ids are translated through the mapping file while staging).
CREATE TABLE ledgerbridge.stg_xero_contacts (
    pair            text NOT NULL,
    ledger_id       text NOT NULL,
    version         text,
    updated_at      timestamptz,
    name            text,
    norm_name       text,
    first_name      text,
    last_name       text,
    email           text,
    norm_email      text,
    tax_number      text,
    norm_tax_number text,
    phone           text,
    norm_phone      text,
    address_line1   text,
    city            text,
    postal_code     text,
    country         text,
    currency        text,
    is_customer     boolean,
    is_supplier     boolean,
    active          boolean,
    deleted         boolean NOT NULL DEFAULT false,
    raw             jsonb NOT NULL,
    staged_run_id   text,
    staged_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, ledger_id)
);
CREATE TABLE ledgerbridge.stg_quickbooks_contacts (LIKE ledgerbridge.stg_xero_contacts INCLUDING ALL);

CREATE TABLE ledgerbridge.stg_xero_invoices (
    pair            text NOT NULL,
    ledger_id       text NOT NULL,
    version         text,
    updated_at      timestamptz,
    kind            text,               -- sales | bill
    number          text,
    norm_number     text,
    contact_id      text,               -- the contact's id in the same ledger
    date            date,
    due_date        date,
    currency        text,
    currency_rate   numeric,
    amounts_are     text,               -- exclusive | inclusive | notax
    subtotal        numeric(18, 2),
    total_tax       numeric(18, 2),
    total           numeric(18, 2),
    amount_paid     numeric(18, 2),
    amount_due      numeric(18, 2),
    status          text,               -- draft | authorised | paid | voided | deleted
    reference       text,
    lines           jsonb,              -- [{description, quantity, unit_amount, line_amount, tax_amount,
                                        --   account_code, tax_type, item_code}] in Xero codes
    lines_amount    numeric(18, 2),     -- sum of line amounts as staged (for the totals check)
    lines_tax       numeric(18, 2),
    deleted         boolean NOT NULL DEFAULT false,
    raw             jsonb NOT NULL,
    staged_run_id   text,
    staged_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, ledger_id)
);
CREATE TABLE ledgerbridge.stg_quickbooks_invoices (LIKE ledgerbridge.stg_xero_invoices INCLUDING ALL);

-- Data-quality results (great-expectations), one row per expectation per run.
CREATE TABLE ledgerbridge.dq_results (
    id                  bigserial PRIMARY KEY,
    run_id              text NOT NULL,
    pair                text NOT NULL,
    entity              text NOT NULL,
    ledger              text NOT NULL,
    expectation         text NOT NULL,
    column_name         text,
    success             boolean NOT NULL,
    checked_rows        bigint NOT NULL,
    unexpected_count    bigint NOT NULL DEFAULT 0,
    unexpected_records  jsonb,          -- ids (and values) of failing records, capped
    details             jsonb,
    checked_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dq_results_run ON ledgerbridge.dq_results (run_id, entity);

-- The cross-reference: which Xero record is which QuickBooks record, per pair, with how and when it was linked,
-- and the versions of both sides when they were last aligned (to tell which side changed since).
CREATE TABLE ledgerbridge.xref (
    pair                text NOT NULL,
    entity              text NOT NULL,
    xero_id             text NOT NULL,
    quickbooks_id       text NOT NULL,
    method              text NOT NULL CHECK (method IN ('matched', 'created', 'manual')),
    rule                text,
    score               numeric(5, 3),
    linked_at           timestamptz NOT NULL DEFAULT now(),
    linked_run_id       text,
    xero_version        text,
    quickbooks_version  text,
    aligned_at          timestamptz,
    aligned_run_id      text,
    PRIMARY KEY (pair, entity, xero_id),
    UNIQUE (pair, entity, quickbooks_id)
);

-- Field differences of linked records, per run (what the comparison found, before any write).
CREATE TABLE ledgerbridge.differences (
    run_id              text NOT NULL,
    pair                text NOT NULL,
    entity              text NOT NULL,
    xero_id             text NOT NULL,
    quickbooks_id       text NOT NULL,
    field               text NOT NULL,
    xero_value          text,
    quickbooks_value    text,
    resolution          text,           -- to_quickbooks | to_xero | conflict_review | kept
    PRIMARY KEY (run_id, pair, entity, xero_id, field)
);

-- The exception queue: records a person must look at. One open row per record and reason; it is closed
-- automatically when a later run no longer finds the problem.
CREATE TABLE ledgerbridge.exceptions (
    id              bigserial PRIMARY KEY,
    pair            text NOT NULL,
    entity          text NOT NULL,
    ledger          text NOT NULL,
    record_id       text NOT NULL,
    record_label    text,               -- a name or number a person recognises
    reason          text NOT NULL,      -- ambiguous_match | unmapped_code | invalid_field | conflict | write_failed | ...
    field           text,
    message         text NOT NULL,
    candidates      jsonb,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    first_run_id    text,
    last_run_id     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz
);
CREATE UNIQUE INDEX exceptions_open ON ledgerbridge.exceptions (pair, entity, ledger, record_id, reason)
    WHERE status = 'open';

-- The outbox: every intended write, recorded with its idempotency key before it is sent; the ledger's answer is
-- recorded after. A retried or re-run task re-sends pending rows in the same batches, so with the same keys.
CREATE TABLE ledgerbridge.outbox (
    id              bigserial PRIMARY KEY,
    pair            text NOT NULL,
    entity          text NOT NULL,
    ledger          text NOT NULL,      -- where the write goes
    operation       text NOT NULL,      -- create | update | void | delete | note
    source_ledger   text,
    source_id       text,               -- the record it comes from (on the other ledger)
    target_id       text,               -- the record it changes (for update/void/note)
    source_version  text,               -- versions of both records when the write was planned: once applied,
    target_version  text,               -- the link records them as aligned
    label           text,
    payload         jsonb NOT NULL,
    payload_hash    text NOT NULL,
    batch_key       text,               -- set when first sent: rows sent together are re-sent together
    idempotency_key text,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'applied', 'failed', 'superseded')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    answer          jsonb,
    result_id       text,
    planned_run_id  text,
    sent_run_id     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
-- the same intended write is planned once while it waits; once sent, an identical later change is a new write
CREATE UNIQUE INDEX outbox_pending_unique ON ledgerbridge.outbox
    (pair, entity, ledger, operation, source_id, payload_hash) WHERE status = 'pending';
CREATE INDEX outbox_target ON ledgerbridge.outbox (pair, entity, ledger, target_id);

-- The audit trail of every write: what was sent, by which run and try, and what the ledger answered.
CREATE TABLE ledgerbridge.audit_log (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    run_id          text,
    try_number      integer,
    pair            text NOT NULL,
    entity          text NOT NULL,
    ledger          text NOT NULL,
    operation       text NOT NULL,
    outbox_id       bigint REFERENCES ledgerbridge.outbox (id),
    record_id       text,
    payload_hash    text,
    idempotency_key text,
    outcome         text NOT NULL,      -- applied | failed | recovered (found already applied after a lost answer)
    answer          jsonb
);
CREATE INDEX audit_log_run ON ledgerbridge.audit_log (run_id);

-- Run summaries: counts per run, pair, entity and ledger, kept for the UI-less history and the demo summary.
CREATE TABLE ledgerbridge.run_summary (
    run_id      text NOT NULL,
    dag_id      text,
    pair        text NOT NULL,
    entity      text NOT NULL,
    ledger      text NOT NULL,
    read        bigint NOT NULL DEFAULT 0,
    staged      bigint NOT NULL DEFAULT 0,
    matched     bigint NOT NULL DEFAULT 0,
    created     bigint NOT NULL DEFAULT 0,
    updated     bigint NOT NULL DEFAULT 0,
    voided      bigint NOT NULL DEFAULT 0,
    conflicts   bigint NOT NULL DEFAULT 0,
    exceptions  bigint NOT NULL DEFAULT 0,
    failed      bigint NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, pair, entity, ledger)
);
