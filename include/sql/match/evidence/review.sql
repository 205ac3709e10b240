-- Pairs that wait for a person: not linked, and neither record linked to another partner in this run.
SELECT d.* FROM match_decided d
WHERE NOT d.link
  AND NOT EXISTS (SELECT 1 FROM match_decided l WHERE l.link AND l.xero_id = d.xero_id)
  AND NOT EXISTS (SELECT 1 FROM match_decided l WHERE l.link AND l.quickbooks_id = d.quickbooks_id)
ORDER BY d.xero_id, d.weight DESC, d.quickbooks_id;
