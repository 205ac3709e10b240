-- Contacts (customers or suppliers) kept by hand on both sides: the same company under a name that differs in
-- case, punctuation, spacing or "Ltd"/"Limited" (norm_name), the same email, or the same VAT number. Different
-- VAT numbers, or a shared name with different emails, argue against a match. match_x / match_q hold the
-- unlinked records of each side (match/unlinked_side.sql).
WITH pairs AS (
    SELECT x.ledger_id AS xero_id, q.ledger_id AS quickbooks_id,
           x.norm_name = q.norm_name AS name_eq,
           x.norm_email = q.norm_email AS email_eq,
           x.norm_tax_number = q.norm_tax_number AS tax_eq,
           COALESCE(x.norm_email <> q.norm_email, false) AS email_conflict,
           COALESCE(x.norm_tax_number <> q.norm_tax_number, false) AS tax_conflict
    FROM match_x x JOIN match_q q
      ON x.norm_name = q.norm_name
      OR x.norm_email = q.norm_email
      OR x.norm_tax_number = q.norm_tax_number
),
scored AS (
    SELECT xero_id, quickbooks_id,
           CASE
               WHEN tax_conflict THEN 0
               WHEN tax_eq AND name_eq THEN 1.0
               WHEN email_eq AND name_eq THEN 0.95
               WHEN tax_eq THEN 0.9
               WHEN email_eq THEN 0.8
               WHEN name_eq AND email_conflict THEN 0.4
               WHEN name_eq THEN 0.7
               ELSE 0
           END AS score,
           concat_ws('+',
                     CASE WHEN tax_eq THEN 'tax_number' END,
                     CASE WHEN email_eq THEN 'email' END,
                     CASE WHEN name_eq THEN 'name' END) AS rule
    FROM pairs
)
INSERT INTO match_candidates (xero_id, quickbooks_id, score, rule)
SELECT xero_id, quickbooks_id, score, rule FROM scored WHERE score > 0;
