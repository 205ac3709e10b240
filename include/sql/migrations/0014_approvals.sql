-- Issue 8: approval gates. A run whose write plan crosses its pair's gate (pairs.yaml `approval`) stops before
-- writing at an Airflow human-in-the-loop approval task; the plan shown, and who approved or rejected it, is kept.
CREATE TABLE ledgerbridge.approvals (
    id              bigserial PRIMARY KEY,
    pair            text NOT NULL,
    entity          text NOT NULL,
    run_id          text NOT NULL,
    mode            text NOT NULL,          -- none | first_alignment | always (the gate that applied)
    gated_by        text[] NOT NULL,        -- why the plan waits: first alignment, always, an amount, creates, deletes
    plan            jsonb NOT NULL,         -- what was shown: counts per ledger and operation, the largest documents
    outbox_ids      bigint[] NOT NULL,      -- exactly the writes shown; approve sends these, reject cancels them
    status          text NOT NULL DEFAULT 'waiting'
                    CHECK (status IN ('waiting', 'approved', 'rejected')),
    asked_at        timestamptz NOT NULL DEFAULT now(),
    decided_by      text,
    decided_at      timestamptz,
    note            text,
    via             text,                   -- airflow | auto (LEDGERBRIDGE_HITL=auto:<who>, tests and the demo)
    UNIQUE (pair, entity, run_id)
);
CREATE INDEX approvals_entity ON ledgerbridge.approvals (pair, entity, status);
