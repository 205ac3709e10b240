-- Pairs that wait for a person: not linked, and neither record linked to another partner in this run; one
-- Xero record's pairs together (streamed: each record's exception is written from its group).
SELECT d.*, s.rule, s.x_label, s.q_label, s.evidence
FROM match_decided d
JOIN match_scored s ON s.xero_id = d.xero_id AND s.quickbooks_id = d.quickbooks_id
WHERE NOT d.link
  AND NOT EXISTS (SELECT 1 FROM match_decided l WHERE l.link AND l.xero_id = d.xero_id)
  AND NOT EXISTS (SELECT 1 FROM match_decided l WHERE l.link AND l.quickbooks_id = d.quickbooks_id)
ORDER BY d.xero_id, d.weight DESC, d.quickbooks_id;
