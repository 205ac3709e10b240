-- Documents behind a control difference that nothing in the exception queue explains: no open exception on the
-- document itself (either side), nor on a payment of it.
SELECT d.entity, d.document, d.xero_id, d.quickbooks_id, d.xero_due, d.quickbooks_due
FROM ledgerbridge.control_differences d
WHERE d.run_id = %(run_id)s AND d.pair = %(pair)s
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.exceptions e
                  WHERE e.pair = d.pair AND e.status = 'open' AND e.entity = d.entity
                    AND e.record_id IN (d.xero_id, d.quickbooks_id))
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.exceptions e
                  JOIN ledgerbridge.stg_xero_payments p ON p.pair = e.pair AND p.ledger_id = e.record_id
                  WHERE e.pair = d.pair AND e.status = 'open' AND e.entity = 'payments' AND e.ledger = 'xero'
                    AND p.document_id = d.xero_id)
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.exceptions e
                  JOIN ledgerbridge.stg_quickbooks_payments p ON p.pair = e.pair AND p.ledger_id = e.record_id
                  WHERE e.pair = d.pair AND e.status = 'open' AND e.entity = 'payments' AND e.ledger = 'quickbooks'
                    AND p.document_id = d.quickbooks_id)
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.exceptions e
                  JOIN ledgerbridge.stg_xero_bill_payments p ON p.pair = e.pair AND p.ledger_id = e.record_id
                  WHERE e.pair = d.pair AND e.status = 'open' AND e.entity = 'bill_payments' AND e.ledger = 'xero'
                    AND p.document_id = d.xero_id)
  AND NOT EXISTS (SELECT 1 FROM ledgerbridge.exceptions e
                  JOIN ledgerbridge.stg_quickbooks_bill_payments p ON p.pair = e.pair AND p.ledger_id = e.record_id
                  WHERE e.pair = d.pair AND e.status = 'open' AND e.entity = 'bill_payments'
                    AND e.ledger = 'quickbooks' AND p.document_id = d.quickbooks_id);
