-- Issue 4, first part: suppliers (Xero contacts on the supplier side <-> QuickBooks Vendors) and the other
-- documents with lines (bills, credit notes, supplier credits), staged in the shapes contacts and invoices use.
CREATE TABLE ledgerbridge.stg_xero_suppliers (LIKE ledgerbridge.stg_xero_contacts INCLUDING ALL);
CREATE TABLE ledgerbridge.stg_quickbooks_suppliers (LIKE ledgerbridge.stg_xero_contacts INCLUDING ALL);

CREATE TABLE ledgerbridge.stg_xero_bills (LIKE ledgerbridge.stg_xero_invoices INCLUDING ALL);
CREATE TABLE ledgerbridge.stg_quickbooks_bills (LIKE ledgerbridge.stg_xero_invoices INCLUDING ALL);
CREATE TABLE ledgerbridge.stg_xero_credit_notes (LIKE ledgerbridge.stg_xero_invoices INCLUDING ALL);
CREATE TABLE ledgerbridge.stg_quickbooks_credit_notes (LIKE ledgerbridge.stg_xero_invoices INCLUDING ALL);
CREATE TABLE ledgerbridge.stg_xero_vendor_credits (LIKE ledgerbridge.stg_xero_invoices INCLUDING ALL);
CREATE TABLE ledgerbridge.stg_quickbooks_vendor_credits (LIKE ledgerbridge.stg_xero_invoices INCLUDING ALL);

-- What each ledger's organisation is set up with, read before any write of a run: the home currency and the
-- currencies documents may be recorded in.
CREATE TABLE ledgerbridge.ledger_facts (
    pair            text NOT NULL,
    ledger          text NOT NULL,
    home_currency   text,
    currencies      text[] NOT NULL DEFAULT '{}',
    organisation    text,
    run_id          text,
    checked_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, ledger)
);
