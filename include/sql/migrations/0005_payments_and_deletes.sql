-- Issue 4, second part: payments (sales and bills, with customers' overpayments), and catching deletes.

-- One row per payment and document it pays (a QuickBooks payment over two invoices is two rows, ids
-- "<Payment Id>:<Invoice Id>"), or per overpayment ("<Payment Id>:unapplied" in QuickBooks).
CREATE TABLE ledgerbridge.stg_xero_payments (
    pair            text NOT NULL,
    ledger_id       text NOT NULL,
    version         text,
    updated_at      timestamptz,
    kind            text,               -- payment | overpayment
    document_id     text,               -- the invoice or bill paid, in the same ledger
    contact_id      text,
    group_id        text,               -- the QuickBooks payment several rows belong to
    date            date,
    amount          numeric(18, 2),
    currency        text,
    currency_rate   numeric,
    bank_account    text,               -- in Xero account codes
    reference       text,
    status          text,               -- authorised | deleted
    deleted         boolean NOT NULL DEFAULT false,
    raw             jsonb NOT NULL,
    staged_run_id   text,
    staged_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, ledger_id)
);
CREATE TABLE ledgerbridge.stg_quickbooks_payments (LIKE ledgerbridge.stg_xero_payments INCLUDING ALL);
CREATE TABLE ledgerbridge.stg_xero_bill_payments (LIKE ledgerbridge.stg_xero_payments INCLUDING ALL);
CREATE TABLE ledgerbridge.stg_quickbooks_bill_payments (LIKE ledgerbridge.stg_xero_payments INCLUDING ALL);

-- QuickBooks hard deletes are seen only through cdc (30 days back) or by comparing every id: when each entity's
-- last complete read ran, so a complete one runs at least weekly.
ALTER TABLE ledgerbridge.watermarks ADD COLUMN last_full_at timestamptz;
