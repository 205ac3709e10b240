-- What each ledger holds as owed, document by document, for one kind (receivable: sales invoices less credit
-- notes; payable: bills less supplier credits), with the contact and document links between the ledgers.
-- Amounts are in the document's currency; ages are days past the due date at %(as_of)s. A document a person
-- decided to ignore says so (it is left out of the totals and listed apart).
WITH docs AS (
    SELECT 'xero' AS ledger, %(doc_entity)s AS entity, ledger_id, contact_id, number, due_date, date,
           amount_due AS due
    FROM {xero_docs_table} WHERE pair = %(pair)s AND NOT deleted AND status IN ('authorised', 'paid')
    UNION ALL
    SELECT 'quickbooks', %(doc_entity)s, ledger_id, contact_id, number, due_date, date, amount_due
    FROM {qb_docs_table} WHERE pair = %(pair)s AND NOT deleted AND status IN ('authorised', 'paid')
    UNION ALL
    SELECT 'xero', %(credit_entity)s, ledger_id, contact_id, number, date, date, -amount_due
    FROM {xero_credits_table} WHERE pair = %(pair)s AND NOT deleted AND status IN ('authorised', 'paid')
    UNION ALL
    SELECT 'quickbooks', %(credit_entity)s, ledger_id, contact_id, number, date, date, -amount_due
    FROM {qb_credits_table} WHERE pair = %(pair)s AND NOT deleted AND status IN ('authorised', 'paid')
)
SELECT d.ledger, d.entity, d.ledger_id, d.number, coalesce(d.due, 0) AS due,
       CASE WHEN d.ledger = 'xero' THEN d.contact_id ELSE c.xero_id END AS xero_contact,
       CASE WHEN d.ledger = 'quickbooks' THEN d.contact_id ELSE c2.quickbooks_id END AS quickbooks_contact,
       CASE WHEN d.ledger = 'xero' THEN r.quickbooks_id ELSE r2.xero_id END AS partner,
       greatest(%(as_of)s::date - coalesce(d.due_date, d.date), 0) AS days_overdue,
       EXISTS (SELECT 1 FROM ledgerbridge.ignored_records i
               WHERE i.pair = %(pair)s AND i.entity = d.entity AND i.ledger = d.ledger
                 AND i.record_id = d.ledger_id) AS ignored
FROM docs d
LEFT JOIN ledgerbridge.xref c ON d.ledger = 'quickbooks' AND c.pair = %(pair)s AND c.entity = %(contact_entity)s
     AND c.quickbooks_id = d.contact_id
LEFT JOIN ledgerbridge.xref c2 ON d.ledger = 'xero' AND c2.pair = %(pair)s AND c2.entity = %(contact_entity)s
     AND c2.xero_id = d.contact_id
LEFT JOIN ledgerbridge.xref r ON d.ledger = 'xero' AND r.pair = %(pair)s AND r.entity = d.entity
     AND r.xero_id = d.ledger_id
LEFT JOIN ledgerbridge.xref r2 ON d.ledger = 'quickbooks' AND r2.pair = %(pair)s AND r2.entity = d.entity
     AND r2.quickbooks_id = d.ledger_id;
