-- The candidate pairs with what scoring reads of each document.
SELECT p.xero_id, p.quickbooks_id, x.number AS x_label, q.number AS q_label,
       x.kind AS x_kind, x.number AS x_number, x.contact_id AS x_contact_id, x.date AS x_date, x.total AS x_total,
       x.currency AS x_currency, x.lines AS x_lines, x.status AS x_status,
       q.kind AS q_kind, q.number AS q_number, q.contact_id AS q_contact_id, q.date AS q_date, q.total AS q_total,
       q.currency AS q_currency, q.lines AS q_lines, q.status AS q_status
FROM match_pairs p
JOIN match_x x ON x.ledger_id = p.xero_id
JOIN match_q q ON q.ledger_id = p.quickbooks_id;
