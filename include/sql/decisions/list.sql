-- Open exceptions (optionally of one pair, entity or reason) with their pending decision, if any.
SELECT e.id, e.pair, e.entity, e.ledger, e.record_id, e.record_label, e.reason, e.field, e.message,
       e.candidates, e.updated_at, d.id AS decision_id, d.decision, d.decided_by,
       (SELECT string_agg(o.decision, '|' ORDER BY o.position) FROM ledgerbridge.decision_offers o
        WHERE o.reason = CASE WHEN EXISTS (SELECT 1 FROM ledgerbridge.decision_offers x WHERE x.reason = e.reason)
                              THEN e.reason ELSE '*' END) AS offers
FROM ledgerbridge.exceptions e
LEFT JOIN ledgerbridge.decisions d ON d.exception_id = e.id AND d.status = 'pending'
WHERE e.status = 'open'
  AND (%(pair)s::text IS NULL OR e.pair = %(pair)s)
  AND (%(entity)s::text IS NULL OR e.entity = %(entity)s)
  AND (%(reason)s::text IS NULL OR e.reason = %(reason)s)
ORDER BY e.pair, e.entity, e.reason, e.id;
