-- Credit allocated to documents (a Xero credit note's Allocations <-> a QuickBooks payment of 0 linking an invoice
-- and a credit memo) travel with payments: the credit note or supplier credit they come from.
ALTER TABLE ledgerbridge.stg_xero_payments ADD COLUMN credit_id text;
ALTER TABLE ledgerbridge.stg_quickbooks_payments ADD COLUMN credit_id text;
ALTER TABLE ledgerbridge.stg_xero_bill_payments ADD COLUMN credit_id text;
ALTER TABLE ledgerbridge.stg_quickbooks_bill_payments ADD COLUMN credit_id text;
