-- Control totals: after a nightly run, what each ledger says is owed to and by the company, per contact and in
-- total, and by age (current, 1-30, 31-60, 61-90, over 90 days past due), with the documents behind a difference.
CREATE TABLE ledgerbridge.control_totals (
    run_id          text NOT NULL,
    pair            text NOT NULL,
    kind            text NOT NULL,      -- receivable | payable
    contact         text NOT NULL,      -- "<xero id>|<quickbooks id>", or "total"
    contact_label   text,
    bucket          text NOT NULL,      -- all | current | 1-30 | 31-60 | 61-90 | 90+
    xero_amount     numeric(18, 2) NOT NULL,
    quickbooks_amount numeric(18, 2) NOT NULL,
    difference      numeric(18, 2) NOT NULL,
    checked_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, pair, kind, contact, bucket)
);
CREATE TABLE ledgerbridge.control_differences (
    run_id          text NOT NULL,
    pair            text NOT NULL,
    kind            text NOT NULL,
    contact_label   text,
    entity          text NOT NULL,
    xero_id         text,
    quickbooks_id   text,
    document        text,
    xero_due        numeric(18, 2),
    quickbooks_due  numeric(18, 2),
    checked_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX control_differences_run ON ledgerbridge.control_differences (run_id, pair);
