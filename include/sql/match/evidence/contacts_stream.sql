-- The candidate pairs with what scoring reads of each record, in the order of match_sorted (one Xero record's
-- candidates together, so its profile is decoded once); profiles as text, decoded in Python only when not already
-- at hand.
SELECT p.xero_id, p.quickbooks_id, x.name AS x_label, q.name AS q_label, x.match_profile::text AS x_profile,
       q.match_profile::text AS q_profile, x.shared AS x_shared, q.shared AS q_shared
FROM match_sorted p
JOIN match_x x ON x.ledger_id = p.xero_id
JOIN match_q q ON q.ledger_id = p.quickbooks_id;
