-- Issue 9 joined to issue 8's decisions (migration 0013): the open queue names the decisions each exception offers
-- (ledgerbridge.decision_offers, the '*' row's for a reason not listed) and a pending decision; the audit trail
-- names the decision and its author behind a write; a record a person ignored is 'ignored' in the status view.
CREATE OR REPLACE VIEW ledgerbridge_report.reconciliation_status AS
WITH queue AS (
    SELECT pair, entity, ledger, record_id,
           string_agg(reason, ', ' ORDER BY reason) AS reasons,
           string_agg(reason || ': ' || message, ' | ' ORDER BY reason) AS messages
    FROM ledgerbridge.exceptions
    WHERE status = 'open'
    GROUP BY pair, entity, ledger, record_id
), planned AS (
    SELECT DISTINCT ON (pair, entity, source_ledger, source_id)
           pair, entity, source_ledger, source_id, ledger, status, last_error
    FROM ledgerbridge.outbox
    WHERE operation = 'create'
    ORDER BY pair, entity, source_ledger, source_id, id DESC
), rows AS (
    SELECT l.pair, l.entity, l.xero_id, l.quickbooks_id, l.method, l.rule, l.weight, l.linked_run_id
    FROM ledgerbridge.xref l
    UNION ALL
    SELECT r.pair, r.entity, r.record_id, NULL, NULL, NULL, NULL, NULL
    FROM ledgerbridge_report.records r
    WHERE r.ledger = 'xero'
      AND NOT EXISTS (SELECT 1 FROM ledgerbridge.xref l
                      WHERE l.pair = r.pair AND l.entity = r.entity AND l.xero_id = r.record_id)
    UNION ALL
    SELECT r.pair, r.entity, NULL, r.record_id, NULL, NULL, NULL, NULL
    FROM ledgerbridge_report.records r
    WHERE r.ledger = 'quickbooks'
      AND NOT EXISTS (SELECT 1 FROM ledgerbridge.xref l
                      WHERE l.pair = r.pair AND l.entity = r.entity AND l.quickbooks_id = r.record_id)
), judged AS (
    SELECT rows.*, x.label AS xero_label, q.label AS quickbooks_label,
           coalesce(x.contact_label, q.contact_label) AS contact,
           x.date AS xero_date, q.date AS quickbooks_date, coalesce(x.currency, q.currency) AS currency,
           x.total AS xero_total, q.total AS quickbooks_total,
           x.amount_due AS xero_amount_due, q.amount_due AS quickbooks_amount_due,
           x.status AS xero_status, q.status AS quickbooks_status,
           concat_ws(', ', qx.reasons, qq.reasons) AS reasons,
           concat_ws(' | ', qx.messages, qq.messages) AS messages,
           coalesce(x.deleted, false) OR coalesce(q.deleted, false)
               OR coalesce(x.status, q.status) IN ('draft', 'submitted', 'voided', 'deleted', 'inactive')
               AS not_carried,
           p.status AS create_status, p.last_error AS create_error,
           coalesce(ix.reason, iq.reason) AS ignored_reason, coalesce(ix.ignored_by, iq.ignored_by) AS ignored_by
    FROM rows
    LEFT JOIN ledgerbridge_report.records x
           ON x.ledger = 'xero' AND x.pair = rows.pair AND x.entity = rows.entity AND x.record_id = rows.xero_id
    LEFT JOIN ledgerbridge_report.records q
           ON q.ledger = 'quickbooks' AND q.pair = rows.pair AND q.entity = rows.entity
              AND q.record_id = rows.quickbooks_id
    LEFT JOIN queue qx
           ON qx.ledger = 'xero' AND qx.pair = rows.pair AND qx.entity = rows.entity AND qx.record_id = rows.xero_id
    LEFT JOIN queue qq
           ON qq.ledger = 'quickbooks' AND qq.pair = rows.pair AND qq.entity = rows.entity
              AND qq.record_id = rows.quickbooks_id
    LEFT JOIN ledgerbridge.ignored_records ix
           ON ix.ledger = 'xero' AND ix.pair = rows.pair AND ix.entity = rows.entity AND ix.record_id = rows.xero_id
    LEFT JOIN ledgerbridge.ignored_records iq
           ON iq.ledger = 'quickbooks' AND iq.pair = rows.pair AND iq.entity = rows.entity
              AND iq.record_id = rows.quickbooks_id
    LEFT JOIN planned p
           ON rows.method IS NULL AND p.pair = rows.pair AND p.entity = rows.entity
              AND p.source_ledger = CASE WHEN rows.xero_id IS NULL THEN 'quickbooks' ELSE 'xero' END
              AND p.source_id = coalesce(rows.xero_id, rows.quickbooks_id)
)
SELECT pair, entity,
       CASE WHEN ignored_reason IS NOT NULL THEN 'ignored'
            WHEN reasons <> '' THEN 'in_queue'
            WHEN method = 'created' THEN 'created'
            WHEN method IS NOT NULL THEN 'linked'
            WHEN not_carried THEN 'ignored'
            WHEN xero_id IS NOT NULL THEN 'only_in_xero'
            ELSE 'only_in_quickbooks' END AS status,
       CASE WHEN ignored_reason IS NOT NULL THEN 'Ignored by ' || coalesce(ignored_by, 'a person')
                                                 || ' (it waited as ' || ignored_reason || ').'
            WHEN reasons <> '' THEN messages
            WHEN method = 'created' THEN 'Nothing on the other ledger had the evidence to link or to queue, so ledgerbridge created it there (run ' || coalesce(linked_run_id, '?') || ').'
            WHEN method = 'manual' THEN 'Linked by a person.'
            WHEN method IS NOT NULL THEN 'Matched by ' || coalesce(rule, 'a rule')
                                        || coalesce(' (' || weight || ' bits of evidence)', '') || '.'
            WHEN not_carried THEN 'Not carried: it is ' || coalesce(
                 CASE WHEN coalesce(xero_status, quickbooks_status) = 'inactive' THEN 'inactive' END,
                 CASE WHEN coalesce(xero_status, quickbooks_status) IN ('draft', 'submitted')
                      THEN 'a draft (only authorised records are carried)' END,
                 coalesce(xero_status, quickbooks_status, 'deleted')) || '.'
            WHEN create_status = 'pending' THEN 'A create on the other ledger is planned and not yet sent.'
            WHEN create_status = 'failed' THEN 'The create on the other ledger failed: ' || coalesce(create_error, '?')
            ELSE 'Not carried: the pair''s direction for ' || entity || ' does not write it to '
                 || CASE WHEN xero_id IS NOT NULL THEN 'QuickBooks' ELSE 'Xero' END
                 || ', or it was staged after the last plan.' END AS why,
       nullif(reasons, '') AS queue_reasons, method AS link_method, rule AS link_rule, weight AS link_weight,
       xero_id, quickbooks_id, xero_label, quickbooks_label, contact,
       xero_date, quickbooks_date, currency, xero_total, quickbooks_total,
       xero_total - quickbooks_total AS total_difference,
       xero_amount_due, quickbooks_amount_due, xero_amount_due - quickbooks_amount_due AS due_difference,
       xero_status, quickbooks_status
FROM judged;

CREATE OR REPLACE VIEW ledgerbridge_report.open_queue AS
SELECT e.id, e.pair, e.entity, e.ledger, e.record_id, e.record_label, e.reason, e.field, e.message,
       CASE WHEN jsonb_typeof(e.candidates -> 'candidates') = 'array'
            THEN jsonb_array_length(e.candidates -> 'candidates') END AS candidate_count,
       e.candidates -> 'candidates' -> 0 ->> 'label' AS best_candidate,
       (e.candidates -> 'candidates' -> 0 ->> 'score')::numeric AS best_candidate_score,
       e.candidates -> 'candidates' -> 0 ->> 'why' AS best_candidate_why,
       e.candidates, e.created_at AS opened_at, (now()::date - e.created_at::date) AS days_open,
       e.first_run_id, e.last_run_id,
       (SELECT string_agg(o.decision || coalesce(' <' || o.needs || '>', '') || ': ' || o.describes, '; '
                          ORDER BY o.position)
        FROM ledgerbridge.decision_offers o
        WHERE o.reason = CASE WHEN EXISTS (SELECT 1 FROM ledgerbridge.decision_offers k WHERE k.reason = e.reason)
                              THEN e.reason ELSE '*' END) AS decisions_offered,
       (SELECT d.decision || ' by ' || d.decided_by || ' (#' || d.id || ', applied by the next run)'
        FROM ledgerbridge.decisions d WHERE d.exception_id = e.id AND d.status = 'pending') AS decision_pending
FROM ledgerbridge.exceptions e
WHERE e.status = 'open';

CREATE OR REPLACE VIEW ledgerbridge_report.audit_trail AS
SELECT a.id, a.at, a.run_id, rs.dag_id, a.try_number, a.pair, a.entity, a.ledger, a.operation, a.outcome,
       o.source_ledger, o.source_id, src.label AS source_label,
       coalesce(o.result_id, a.record_id, o.target_id) AS target_id,
       coalesce(tgt.label, o.label) AS target_label,
       a.payload_hash, a.idempotency_key,
       coalesce(a.answer ->> 'error', a.answer ->> 'message', o.last_error) AS answer_error,
       a.answer,
       coalesce('decision #' || a.decision_id || coalesce(' (' || dd.decision || ')', '') || ' by '
                || coalesce(a.decided_by, dd.decided_by, '?') || '; ', '') ||
       CASE WHEN o.operation = 'create' THEN
                'create: no ' || CASE WHEN a.ledger = 'xero' THEN 'Xero' ELSE 'QuickBooks' END
                || ' record matched the ' || coalesce(o.source_ledger, 'other ledger') || ' record'
            WHEN o.operation = 'update' THEN
                'update: ' || coalesce((SELECT string_agg(d.field || ' ' || coalesce(d.resolution, '?'), ', '
                                                          ORDER BY d.field)
                                        FROM ledgerbridge.differences d
                                        WHERE d.run_id = o.planned_run_id AND d.pair = o.pair
                                          AND d.entity = o.entity
                                          AND (d.xero_id = o.source_id OR d.xero_id = o.target_id)), 'changed fields')
            WHEN o.operation IN ('void', 'delete') THEN
                o.operation || ': the ' || coalesce(o.source_ledger, 'other') || ' record was voided or deleted'
            ELSE coalesce(o.operation, a.operation) END
       || coalesce('; link ' || l.method || coalesce(' by ' || nullif(l.rule, l.method), ''), '') AS basis,
       o.planned_run_id, a.outbox_id, a.decision_id, coalesce(a.decided_by, dd.decided_by) AS decided_by
FROM ledgerbridge.audit_log a
LEFT JOIN ledgerbridge.outbox o ON o.id = a.outbox_id
LEFT JOIN ledgerbridge.decisions dd ON dd.id = a.decision_id
LEFT JOIN LATERAL (SELECT s.dag_id FROM ledgerbridge.run_summary s WHERE s.run_id = a.run_id LIMIT 1) rs ON true
LEFT JOIN ledgerbridge_report.records src
       ON src.pair = a.pair AND src.entity = a.entity AND src.ledger = o.source_ledger AND src.record_id = o.source_id
LEFT JOIN ledgerbridge_report.records tgt
       ON tgt.pair = a.pair AND tgt.entity = a.entity AND tgt.ledger = a.ledger
          AND tgt.record_id = coalesce(o.result_id, a.record_id, o.target_id)
LEFT JOIN ledgerbridge.xref l
       ON l.pair = a.pair AND l.entity = a.entity
          AND ((o.source_ledger = 'xero' AND l.xero_id = o.source_id)
               OR (o.source_ledger = 'quickbooks' AND l.quickbooks_id = o.source_id));

CREATE OR REPLACE VIEW ledgerbridge_report.last_night_writes AS
SELECT t.*
FROM ledgerbridge_report.audit_trail t
JOIN (SELECT pair, max(at) AS last_at FROM ledgerbridge.audit_log GROUP BY pair) w
  ON w.pair = t.pair AND t.at > w.last_at - interval '24 hours';

CREATE OR REPLACE VIEW ledgerbridge_report.queue_trend AS
WITH runs AS (
    SELECT pair, run_id, max(checked_at) AS at
    FROM ledgerbridge.control_totals
    GROUP BY pair, run_id
)
SELECT r.pair, r.run_id, r.at, e.reason, count(*) AS open
FROM runs r
JOIN ledgerbridge.exceptions e
  ON e.pair = r.pair AND e.created_at <= r.at AND (e.resolved_at IS NULL OR e.resolved_at > r.at)
     -- an exception a person ignored left the queue when it was ignored (its last update)
     AND (e.status <> 'ignored' OR e.updated_at > r.at)
GROUP BY r.pair, r.run_id, r.at, e.reason;

COMMENT ON COLUMN ledgerbridge_report.audit_trail.outcome IS 'sent (recorded before the request went out), applied, failed, or recovered (found already applied after a lost answer).';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.outcome IS 'As in audit_trail.outcome.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.decisions_offered IS 'The decisions a person may take on it (python -m reconcile.decide), with what each names: decision <needs>: what it does; ...';
COMMENT ON COLUMN ledgerbridge_report.open_queue.decision_pending IS 'A decision taken and not yet applied (the next run of the entity applies it).';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.decision_id IS 'The person''s decision the write carries out (ledgerbridge.decisions.id), when one did.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.decided_by IS 'Who took that decision.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.decision_id IS 'As in audit_trail.decision_id.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.decided_by IS 'As in audit_trail.decided_by.';
