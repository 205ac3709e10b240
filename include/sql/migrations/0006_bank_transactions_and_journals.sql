-- Issue 4, third part: bank transactions (Xero RECEIVE/SPEND <-> QuickBooks Deposit/Purchase) and journals
-- (Xero ManualJournal <-> QuickBooks JournalEntry). QuickBooks ids are "<Deposit|Purchase>:<Id>".
CREATE TABLE ledgerbridge.stg_xero_bank_transactions (
    pair            text NOT NULL,
    ledger_id       text NOT NULL,
    version         text,
    updated_at      timestamptz,
    kind            text,               -- receive | spend
    contact_id      text,
    contact_kind    text,               -- QuickBooks EntityRef type: Customer | Vendor
    date            date,
    bank_account    text,               -- Xero account code
    reference       text,
    currency        text,
    amounts_are     text,
    subtotal        numeric(18, 2),
    total_tax       numeric(18, 2),
    total           numeric(18, 2),
    status          text,
    payment_type    text,               -- QuickBooks Purchase: Cash | Check | CreditCard
    lines           jsonb,
    tax_by_rate     jsonb,
    deleted         boolean NOT NULL DEFAULT false,
    raw             jsonb NOT NULL,
    staged_run_id   text,
    staged_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, ledger_id)
);
CREATE TABLE ledgerbridge.stg_quickbooks_bank_transactions (LIKE ledgerbridge.stg_xero_bank_transactions INCLUDING ALL);

CREATE TABLE ledgerbridge.stg_xero_journals (
    pair            text NOT NULL,
    ledger_id       text NOT NULL,
    version         text,
    updated_at      timestamptz,
    number          text,
    norm_number     text,
    date            date,
    narration       text,
    total           numeric(18, 2),     -- the sum of the debits
    status          text,               -- posted | draft | voided | deleted
    lines           jsonb,              -- [{description, line_amount (debit +, credit -), account_code, tax_type, tracking}]
    deleted         boolean NOT NULL DEFAULT false,
    raw             jsonb NOT NULL,
    staged_run_id   text,
    staged_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, ledger_id)
);
CREATE TABLE ledgerbridge.stg_quickbooks_journals (LIKE ledgerbridge.stg_xero_journals INCLUDING ALL);
