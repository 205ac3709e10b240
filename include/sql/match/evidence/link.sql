-- The decided links, with the weight and the evidence they were made on.
INSERT INTO ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method, rule, score, weight, evidence,
                               linked_run_id)
SELECT %(pair)s, %(entity)s, d.xero_id, d.quickbooks_id, 'matched', s.rule,
       round(1 / (1 + power(2::numeric, -least(d.weight, 60))), 3), d.weight, s.evidence, %(run_id)s
FROM match_decided d
JOIN match_scored s ON s.xero_id = d.xero_id AND s.quickbooks_id = d.quickbooks_id
WHERE d.link
ON CONFLICT DO NOTHING;
