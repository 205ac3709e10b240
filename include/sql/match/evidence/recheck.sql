-- Links of contacts whose records changed since they were last aligned (or that wait as weak links), with what
-- scoring reads: their evidence is weighed again. Links a person made (method 'manual') are not second-guessed.
SELECT r.xero_id, r.quickbooks_id, r.method, r.linked_at, x.name AS x_label, q.name AS q_label,
       x.match_profile AS x_profile, q.match_profile AS q_profile,
       ARRAY(SELECT k FROM jsonb_array_elements_text(x.match_ids) k WHERE k IN (SELECT key FROM match_shared))
           AS x_shared,
       ARRAY(SELECT k FROM jsonb_array_elements_text(q.match_ids) k WHERE k IN (SELECT key FROM match_shared))
           AS q_shared
FROM ledgerbridge.xref r
JOIN {xero_table} x ON x.pair = r.pair AND x.ledger_id = r.xero_id
JOIN {qb_table} q ON q.pair = r.pair AND q.ledger_id = r.quickbooks_id
WHERE r.pair = %(pair)s AND r.entity = %(entity)s AND r.method <> 'manual' AND r.aligned_at IS NOT NULL
  AND NOT x.deleted AND NOT q.deleted AND x.match_profile IS NOT NULL AND q.match_profile IS NOT NULL
  AND (x.version IS DISTINCT FROM r.xero_version OR q.version IS DISTINCT FROM r.quickbooks_version);
