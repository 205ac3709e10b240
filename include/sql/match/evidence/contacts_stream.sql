-- The candidate pairs with what scoring reads of each record.
SELECT p.xero_id, p.quickbooks_id, x.name AS x_label, q.name AS q_label, x.match_profile AS x_profile,
       q.match_profile AS q_profile, x.shared AS x_shared, q.shared AS q_shared
FROM match_pairs p
JOIN match_x x ON x.ledger_id = p.xero_id
JOIN match_q q ON q.ledger_id = p.quickbooks_id;
