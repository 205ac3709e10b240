-- The decided links, with the weight and the evidence they were made on.
INSERT INTO ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method, rule, score, weight, evidence,
                               linked_run_id)
SELECT %(pair)s, %(entity)s, xero_id, quickbooks_id, 'matched', rule,
       round(1 / (1 + power(2::numeric, -least(weight, 60))), 3), weight, evidence, %(run_id)s
FROM match_decided WHERE link
ON CONFLICT DO NOTHING;
