-- Payments kept by hand on both sides: on documents already linked, the same amount, and the same date (a day
-- or two apart is still plausible: one ledger may have recorded the bank date). Overpayments: for a contact
-- already linked, the same amount and date. Credit allocated: to the same linked document from the same linked
-- credit note, the same amount. A payment deleted on one side is matched too, so that its partner is
-- deleted rather than copied back.
WITH pairs AS (
    SELECT x.ledger_id AS xero_id, q.ledger_id AS quickbooks_id, x.kind,
           abs(x.amount - q.amount) <= 0.005 AS amount_eq,
           abs(x.date - q.date) AS days_apart
    FROM match_x x
    JOIN match_q q ON q.kind = x.kind
    LEFT JOIN ledgerbridge.xref d
      ON d.pair = x.pair AND d.entity = %(document_entity)s AND d.xero_id = x.document_id
    LEFT JOIN ledgerbridge.xref c
      ON c.pair = x.pair AND c.entity = %(contact_entity)s AND c.xero_id = x.contact_id
    LEFT JOIN ledgerbridge.xref k
      ON k.pair = x.pair AND k.entity = %(credit_entity)s AND k.xero_id = x.credit_id
    WHERE x.kind IN ('payment', 'overpayment', 'credit_allocation')
      AND ((x.kind = 'payment' AND d.quickbooks_id = q.document_id)
       OR (x.kind = 'overpayment' AND c.quickbooks_id = q.contact_id)
       OR (x.kind = 'credit_allocation' AND d.quickbooks_id = q.document_id AND k.quickbooks_id = q.credit_id))
)
INSERT INTO match_candidates (xero_id, quickbooks_id, score, rule)
SELECT xero_id, quickbooks_id,
       CASE
           WHEN amount_eq AND days_apart = 0 THEN 1.0
           WHEN amount_eq AND days_apart <= 3 THEN 0.8
           WHEN days_apart = 0 THEN 0.5
           ELSE 0.3
       END,
       concat_ws('+', CASE WHEN kind = 'payment' THEN 'document' ELSE 'contact' END,
                 CASE WHEN amount_eq THEN 'amount' END, CASE WHEN days_apart = 0 THEN 'date' END)
FROM pairs
WHERE amount_eq OR days_apart = 0;
