-- Tax per rate as each ledger holds it ({"OUTPUT2": {"net": "...", "tax": "..."}} in Xero tax types), so the tax a
-- ledger computed can be written to the other to the penny, whatever their rounding rules.
ALTER TABLE ledgerbridge.stg_xero_invoices ADD COLUMN tax_by_rate jsonb;
ALTER TABLE ledgerbridge.stg_quickbooks_invoices ADD COLUMN tax_by_rate jsonb;
