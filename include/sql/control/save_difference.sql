INSERT INTO ledgerbridge.control_differences
    (run_id, pair, kind, contact_label, entity, xero_id, quickbooks_id, document, xero_due, quickbooks_due)
VALUES (%(run_id)s, %(pair)s, %(kind)s, %(label)s, %(entity)s, %(xero_id)s, %(quickbooks_id)s, %(document)s,
        %(xero_due)s, %(quickbooks_due)s);
