-- Issue 4, fourth part: items (Xero Item <-> QuickBooks Item), aligned before the documents whose lines use them.
CREATE TABLE ledgerbridge.stg_xero_items (
    pair                text NOT NULL,
    ledger_id           text NOT NULL,
    version             text,
    updated_at          timestamptz,
    code                text,           -- Xero Code / QuickBooks Sku
    name                text,
    norm_name           text,
    description         text,
    sale_price          text,
    sale_account        text,           -- Xero account codes and tax types
    sale_tax_type       text,
    purchase_price      text,
    purchase_account    text,
    purchase_tax_type   text,
    is_sold             boolean,
    is_purchased        boolean,
    active              boolean,
    deleted             boolean NOT NULL DEFAULT false,
    raw                 jsonb NOT NULL,
    staged_run_id       text,
    staged_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, ledger_id)
);
CREATE TABLE ledgerbridge.stg_quickbooks_items (LIKE ledgerbridge.stg_xero_items INCLUDING ALL);
