-- Issue 9: what analysts, auditors and operators look at. Read-only views in the schema ledgerbridge_report over
-- ledgerbridge's tables; every view and column carries a COMMENT, from which docs/data-dictionary.md is generated
-- (`make data-dictionary`; tests/reconcile/test_report_views.py keeps the two equal).
CREATE SCHEMA IF NOT EXISTS ledgerbridge_report;
COMMENT ON SCHEMA ledgerbridge_report IS
    'Read-only views for analysts, auditors and operators over ledgerbridge''s tables.';

-- Every staged record of both ledgers in one shape.
CREATE VIEW ledgerbridge_report.records AS
WITH staged AS (
    SELECT pair, 'items'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, nullif(concat_ws(' ', code, name), '') AS label, code AS number, NULL::text AS contact_id, NULL::date AS date, NULL::date AS due_date, NULL::text AS currency, NULL::numeric AS total, NULL::numeric AS amount_due, CASE WHEN active THEN 'active' ELSE 'inactive' END AS status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_items
    UNION ALL
    SELECT pair, 'contacts'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, name, NULL, NULL, NULL, NULL, currency, NULL, NULL, CASE WHEN active THEN 'active' ELSE 'inactive' END,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_contacts
    UNION ALL
    SELECT pair, 'suppliers'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, name, NULL, NULL, NULL, NULL, currency, NULL, NULL, CASE WHEN active THEN 'active' ELSE 'inactive' END,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_suppliers
    UNION ALL
    SELECT pair, 'invoices'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, coalesce(number, reference), number, contact_id, date, due_date, currency, total, amount_due, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_invoices
    UNION ALL
    SELECT pair, 'bills'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, coalesce(number, reference), number, contact_id, date, due_date, currency, total, amount_due, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_bills
    UNION ALL
    SELECT pair, 'credit_notes'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, coalesce(number, reference), number, contact_id, date, due_date, currency, total, amount_due, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_credit_notes
    UNION ALL
    SELECT pair, 'vendor_credits'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, coalesce(number, reference), number, contact_id, date, due_date, currency, total, amount_due, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_vendor_credits
    UNION ALL
    SELECT pair, 'payments'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, coalesce(reference, kind || ' ' || date), reference, contact_id, date, NULL, currency, amount, NULL, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_payments
    UNION ALL
    SELECT pair, 'bill_payments'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, coalesce(reference, kind || ' ' || date), reference, contact_id, date, NULL, currency, amount, NULL, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_bill_payments
    UNION ALL
    SELECT pair, 'bank_transactions'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, coalesce(reference, kind || ' ' || date), reference, contact_id, date, NULL, currency, total, NULL, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_bank_transactions
    UNION ALL
    SELECT pair, 'journals'::text AS entity, 'xero'::text AS ledger, ledger_id AS record_id, coalesce(number, narration), number, NULL, date, NULL, NULL, total, NULL, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_xero_journals
    UNION ALL
    SELECT pair, 'items'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, nullif(concat_ws(' ', code, name), '') AS label, code AS number, NULL::text AS contact_id, NULL::date AS date, NULL::date AS due_date, NULL::text AS currency, NULL::numeric AS total, NULL::numeric AS amount_due, CASE WHEN active THEN 'active' ELSE 'inactive' END AS status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_items
    UNION ALL
    SELECT pair, 'contacts'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, name, NULL, NULL, NULL, NULL, currency, NULL, NULL, CASE WHEN active THEN 'active' ELSE 'inactive' END,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_contacts
    UNION ALL
    SELECT pair, 'suppliers'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, name, NULL, NULL, NULL, NULL, currency, NULL, NULL, CASE WHEN active THEN 'active' ELSE 'inactive' END,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_suppliers
    UNION ALL
    SELECT pair, 'invoices'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, coalesce(number, reference), number, contact_id, date, due_date, currency, total, amount_due, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_invoices
    UNION ALL
    SELECT pair, 'bills'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, coalesce(number, reference), number, contact_id, date, due_date, currency, total, amount_due, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_bills
    UNION ALL
    SELECT pair, 'credit_notes'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, coalesce(number, reference), number, contact_id, date, due_date, currency, total, amount_due, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_credit_notes
    UNION ALL
    SELECT pair, 'vendor_credits'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, coalesce(number, reference), number, contact_id, date, due_date, currency, total, amount_due, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_vendor_credits
    UNION ALL
    SELECT pair, 'payments'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, coalesce(reference, kind || ' ' || date), reference, contact_id, date, NULL, currency, amount, NULL, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_payments
    UNION ALL
    SELECT pair, 'bill_payments'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, coalesce(reference, kind || ' ' || date), reference, contact_id, date, NULL, currency, amount, NULL, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_bill_payments
    UNION ALL
    SELECT pair, 'bank_transactions'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, coalesce(reference, kind || ' ' || date), reference, contact_id, date, NULL, currency, total, NULL, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_bank_transactions
    UNION ALL
    SELECT pair, 'journals'::text AS entity, 'quickbooks'::text AS ledger, ledger_id AS record_id, coalesce(number, narration), number, NULL, date, NULL, NULL, total, NULL, status,
           deleted, updated_at, staged_run_id
    FROM ledgerbridge.stg_quickbooks_journals

)
SELECT s.pair, s.entity, s.ledger, s.record_id, coalesce(s.label, s.record_id) AS label, s.number,
       s.contact_id,
       CASE WHEN s.entity IN ('bills', 'vendor_credits', 'bill_payments')
            THEN coalesce(xs.name, qs.name, xc.name, qc.name)
            ELSE coalesce(xc.name, qc.name, xs.name, qs.name) END AS contact_label,
       s.date, s.due_date, s.currency, s.total, s.amount_due, s.status, s.deleted, s.updated_at, s.staged_run_id
FROM staged s
LEFT JOIN ledgerbridge.stg_xero_contacts xc
       ON s.ledger = 'xero' AND xc.pair = s.pair AND xc.ledger_id = s.contact_id
LEFT JOIN ledgerbridge.stg_xero_suppliers xs
       ON s.ledger = 'xero' AND xs.pair = s.pair AND xs.ledger_id = s.contact_id
LEFT JOIN ledgerbridge.stg_quickbooks_contacts qc
       ON s.ledger = 'quickbooks' AND qc.pair = s.pair AND qc.ledger_id = s.contact_id
LEFT JOIN ledgerbridge.stg_quickbooks_suppliers qs
       ON s.ledger = 'quickbooks' AND qs.pair = s.pair AND qs.ledger_id = s.contact_id;

COMMENT ON VIEW ledgerbridge_report.records IS
    'Every staged record of both ledgers, every entity, in one shape: what a person recognises it by, its contact, dates, amounts and status.';
COMMENT ON COLUMN ledgerbridge_report.records.pair IS 'The company pair (config/pairs.yaml).';
COMMENT ON COLUMN ledgerbridge_report.records.entity IS 'The entity: items, contacts, suppliers, invoices, bills, credit_notes, vendor_credits, payments, bill_payments, bank_transactions, journals.';
COMMENT ON COLUMN ledgerbridge_report.records.ledger IS 'The ledger the record is in: xero or quickbooks.';
COMMENT ON COLUMN ledgerbridge_report.records.record_id IS 'The record''s id in its ledger (QuickBooks payments: "<Payment Id>:<Invoice Id>"; bank transactions: "<Deposit|Purchase>:<Id>").';
COMMENT ON COLUMN ledgerbridge_report.records.label IS 'What a person recognises the record by: a name, a document number, a reference (else its id).';
COMMENT ON COLUMN ledgerbridge_report.records.number IS 'The document number, item code or payment reference, as typed in the ledger.';
COMMENT ON COLUMN ledgerbridge_report.records.contact_id IS 'The id of the record''s customer or supplier in the same ledger.';
COMMENT ON COLUMN ledgerbridge_report.records.contact_label IS 'The name of the record''s customer or supplier.';
COMMENT ON COLUMN ledgerbridge_report.records.date IS 'The document, payment or transaction date.';
COMMENT ON COLUMN ledgerbridge_report.records.due_date IS 'The due date of an invoice, bill or credit.';
COMMENT ON COLUMN ledgerbridge_report.records.currency IS 'The ISO 4217 currency the record is kept in.';
COMMENT ON COLUMN ledgerbridge_report.records.total IS 'The total (payments: the amount), in the record''s currency.';
COMMENT ON COLUMN ledgerbridge_report.records.amount_due IS 'What is still owed on an invoice, bill or credit.';
COMMENT ON COLUMN ledgerbridge_report.records.status IS 'The status in ledger-neutral words (draft, authorised, paid, voided, deleted, posted; active or inactive for contacts and items).';
COMMENT ON COLUMN ledgerbridge_report.records.deleted IS 'True when the record was deleted in its ledger.';
COMMENT ON COLUMN ledgerbridge_report.records.updated_at IS 'When the ledger last changed the record.';
COMMENT ON COLUMN ledgerbridge_report.records.staged_run_id IS 'The Airflow run that last staged it.';

-- The reconciliation status of every record: a linked pair is one row, an unlinked record one row of its own.
CREATE VIEW ledgerbridge_report.reconciliation_status AS
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
           p.status AS create_status, p.last_error AS create_error
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
    LEFT JOIN planned p
           ON rows.method IS NULL AND p.pair = rows.pair AND p.entity = rows.entity
              AND p.source_ledger = CASE WHEN rows.xero_id IS NULL THEN 'quickbooks' ELSE 'xero' END
              AND p.source_id = coalesce(rows.xero_id, rows.quickbooks_id)
)
SELECT pair, entity,
       CASE WHEN reasons <> '' THEN 'in_queue'
            WHEN method = 'created' THEN 'created'
            WHEN method IS NOT NULL THEN 'linked'
            WHEN not_carried THEN 'ignored'
            WHEN xero_id IS NOT NULL THEN 'only_in_xero'
            ELSE 'only_in_quickbooks' END AS status,
       CASE WHEN reasons <> '' THEN messages
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

COMMENT ON VIEW ledgerbridge_report.reconciliation_status IS
    'Per pair and entity, the reconciliation status of every record (documents, contacts, payments, ...): a linked pair is one row with both ledgers side by side, a record on one side only is a row of its own, with why.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.pair IS 'The company pair.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.entity IS 'The entity (invoices, bills, contacts, ...).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.status IS 'linked (matched or linked by a person), created (ledgerbridge made the other side), in_queue (an open exception on either side), only_in_xero / only_in_quickbooks (not carried yet, see why), ignored (deleted, voided, draft or inactive: not carried).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.why IS 'The reason in words: the exception queue''s messages, how the link was made, or why a record is on one side only.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.queue_reasons IS 'The reasons of the open exceptions on either side, comma separated (possible_match, conflict, ...).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.link_method IS 'How the two records were linked: matched, created or manual (empty when not linked).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.link_rule IS 'The matching rule or model that linked them (evidence-1 for evidence-based matching).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.link_weight IS 'The bits of evidence the link was made on (evidence-based matching).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.xero_id IS 'The record''s id in Xero (empty when only in QuickBooks).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.quickbooks_id IS 'The record''s id in QuickBooks (empty when only in Xero).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.xero_label IS 'The Xero record''s number or name.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.quickbooks_label IS 'The QuickBooks record''s number or name.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.contact IS 'The customer or supplier (Xero''s name when both sides have one).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.xero_date IS 'The date in Xero.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.quickbooks_date IS 'The date in QuickBooks.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.currency IS 'The currency (Xero''s when both sides have one).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.xero_total IS 'The total in Xero.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.quickbooks_total IS 'The total in QuickBooks.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.total_difference IS 'Xero''s total minus QuickBooks'' (empty unless both sides have one).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.xero_amount_due IS 'What is still owed on it in Xero (its balance).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.quickbooks_amount_due IS 'What is still owed on it in QuickBooks (its balance).';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.due_difference IS 'Xero''s balance minus QuickBooks''.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.xero_status IS 'The status in Xero.';
COMMENT ON COLUMN ledgerbridge_report.reconciliation_status.quickbooks_status IS 'The status in QuickBooks.';

-- Match results: every link with the rule, score and the explanation in words.
CREATE VIEW ledgerbridge_report.match_results AS
SELECT l.pair, l.entity, l.xero_id, l.quickbooks_id, x.label AS xero_label, q.label AS quickbooks_label,
       l.method, l.rule, l.score, l.weight,
       CASE WHEN l.method = 'manual' THEN 'Linked by a person.'
            WHEN l.method = 'created' THEN 'Created by ledgerbridge: nothing on the other side was a candidate strong enough to link or to queue.'
            WHEN jsonb_typeof(l.evidence) = 'array' AND jsonb_array_length(l.evidence) > 0 THEN
                 'Evidence ' || coalesce(l.weight::text, '?') || ' bits: ' ||
                 (SELECT string_agg(format('%s %s (%s bits)', e ->> 'field', e ->> 'says', e ->> 'weight'), '; '
                                    ORDER BY ord)
                  FROM jsonb_array_elements(l.evidence) WITH ORDINALITY AS ev(e, ord))
            ELSE 'Matched by the rule ' || coalesce(l.rule, '?') || coalesce(' (score ' || l.score || ')', '') || '.'
       END AS explanation,
       l.evidence, l.linked_at, l.linked_run_id, l.aligned_at, l.aligned_run_id
FROM ledgerbridge.xref l
LEFT JOIN ledgerbridge_report.records x
       ON x.ledger = 'xero' AND x.pair = l.pair AND x.entity = l.entity AND x.record_id = l.xero_id
LEFT JOIN ledgerbridge_report.records q
       ON q.ledger = 'quickbooks' AND q.pair = l.pair AND q.entity = l.entity AND q.record_id = l.quickbooks_id;

COMMENT ON VIEW ledgerbridge_report.match_results IS
    'Every link between a Xero and a QuickBooks record, with the rule, score and the explanation in words.';
COMMENT ON COLUMN ledgerbridge_report.match_results.pair IS 'The company pair.';
COMMENT ON COLUMN ledgerbridge_report.match_results.entity IS 'The entity.';
COMMENT ON COLUMN ledgerbridge_report.match_results.xero_id IS 'The Xero record''s id.';
COMMENT ON COLUMN ledgerbridge_report.match_results.quickbooks_id IS 'The QuickBooks record''s id.';
COMMENT ON COLUMN ledgerbridge_report.match_results.xero_label IS 'The Xero record''s name or number.';
COMMENT ON COLUMN ledgerbridge_report.match_results.quickbooks_label IS 'The QuickBooks record''s name or number.';
COMMENT ON COLUMN ledgerbridge_report.match_results.method IS 'matched (by ledgerbridge''s rules or evidence), created (ledgerbridge wrote the other side) or manual (a person linked them).';
COMMENT ON COLUMN ledgerbridge_report.match_results.rule IS 'The rule that matched them (evidence-1: evidence-based matching; otherwise the SQL rule''s fields).';
COMMENT ON COLUMN ledgerbridge_report.match_results.score IS 'The match score from 0 to 1 (evidence: the probability the bits of evidence stand for).';
COMMENT ON COLUMN ledgerbridge_report.match_results.weight IS 'The bits of evidence for (positive) or against (negative) the pair being the same record.';
COMMENT ON COLUMN ledgerbridge_report.match_results.explanation IS 'Why they were linked, in words: every field''s evidence with its weight, or the rule.';
COMMENT ON COLUMN ledgerbridge_report.match_results.evidence IS 'The per-field evidence as JSON (field, both values, level, weight, says).';
COMMENT ON COLUMN ledgerbridge_report.match_results.linked_at IS 'When the link was made.';
COMMENT ON COLUMN ledgerbridge_report.match_results.linked_run_id IS 'The Airflow run that made the link.';
COMMENT ON COLUMN ledgerbridge_report.match_results.aligned_at IS 'When the two records were last aligned.';
COMMENT ON COLUMN ledgerbridge_report.match_results.aligned_run_id IS 'The Airflow run that last aligned them.';

-- The open queue.
CREATE VIEW ledgerbridge_report.open_queue AS
SELECT e.id, e.pair, e.entity, e.ledger, e.record_id, e.record_label, e.reason, e.field, e.message,
       CASE WHEN jsonb_typeof(e.candidates -> 'candidates') = 'array'
            THEN jsonb_array_length(e.candidates -> 'candidates') END AS candidate_count,
       e.candidates -> 'candidates' -> 0 ->> 'label' AS best_candidate,
       (e.candidates -> 'candidates' -> 0 ->> 'score')::numeric AS best_candidate_score,
       e.candidates -> 'candidates' -> 0 ->> 'why' AS best_candidate_why,
       e.candidates, e.created_at AS opened_at, (now()::date - e.created_at::date) AS days_open,
       e.first_run_id, e.last_run_id
FROM ledgerbridge.exceptions e
WHERE e.status = 'open';

COMMENT ON VIEW ledgerbridge_report.open_queue IS
    'The open exception queue: every record a person must look at, why, and the candidates it names.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.id IS 'The exception''s id (ledgerbridge.exceptions.id).';
COMMENT ON COLUMN ledgerbridge_report.open_queue.pair IS 'The company pair.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.entity IS 'The entity.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.ledger IS 'The ledger the record waiting is in.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.record_id IS 'The record''s id in that ledger.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.record_label IS 'The record''s name or number.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.reason IS 'Why it waits: possible_match, ambiguous_match, weak_link, identity_conflict, unmapped_code, invalid_field, conflict, payment_mismatch, one_sided, direction, currency_not_enabled, home_currency_mismatch, locked, department_conflict, write_failed, ...';
COMMENT ON COLUMN ledgerbridge_report.open_queue.field IS 'The field at fault, when one is.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.message IS 'What is wrong, in words, naming the record and the field.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.candidate_count IS 'How many candidate records on the other side it names (matching reasons).';
COMMENT ON COLUMN ledgerbridge_report.open_queue.best_candidate IS 'The strongest candidate''s name or number.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.best_candidate_score IS 'The strongest candidate''s bits of evidence.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.best_candidate_why IS 'Why the strongest candidate was not linked automatically, in words.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.candidates IS 'The candidates with their evidence, as JSON.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.opened_at IS 'When the exception was first raised.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.days_open IS 'Days since it was raised.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.first_run_id IS 'The Airflow run that first raised it.';
COMMENT ON COLUMN ledgerbridge_report.open_queue.last_run_id IS 'The latest Airflow run that still found it.';

-- The audit trail of every write, with the run, both records and the ledger's answer.
CREATE VIEW ledgerbridge_report.audit_trail AS
SELECT a.id, a.at, a.run_id, rs.dag_id, a.try_number, a.pair, a.entity, a.ledger, a.operation, a.outcome,
       o.source_ledger, o.source_id, src.label AS source_label,
       coalesce(o.result_id, a.record_id, o.target_id) AS target_id,
       coalesce(tgt.label, o.label) AS target_label,
       a.payload_hash, a.idempotency_key,
       coalesce(a.answer ->> 'error', a.answer ->> 'message', o.last_error) AS answer_error,
       a.answer,
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
       || coalesce('; link ' || l.method || coalesce(' by ' || l.rule, ''), '') AS basis,
       o.planned_run_id, a.outbox_id
FROM ledgerbridge.audit_log a
LEFT JOIN ledgerbridge.outbox o ON o.id = a.outbox_id
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

COMMENT ON VIEW ledgerbridge_report.audit_trail IS
    'Every write ledgerbridge sent, with its run and try, the record on both sides, the ledger''s answer and what it was based on.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.id IS 'The audit entry''s id (ledgerbridge.audit_log.id).';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.at IS 'When the ledger answered.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.run_id IS 'The Airflow run that sent it.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.dag_id IS 'The DAG of that run.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.try_number IS 'The task''s try (a retry re-sends the same batch with the same idempotency key).';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.pair IS 'The company pair.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.entity IS 'The entity.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.ledger IS 'The ledger written to.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.operation IS 'create, update, void, delete or note.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.outcome IS 'applied, failed, or recovered (found already applied after a lost answer).';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.source_ledger IS 'The ledger the change came from.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.source_id IS 'The record it came from, in the source ledger.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.source_label IS 'That record''s name or number.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.target_id IS 'The record written, in the ledger written to.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.target_label IS 'That record''s name or number.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.payload_hash IS 'The sha256 of the payload sent.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.idempotency_key IS 'The idempotency key sent with it (Xero Idempotency-Key, QuickBooks requestid).';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.answer_error IS 'The ledger''s error, when it refused.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.answer IS 'The ledger''s answer as JSON.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.basis IS 'The decision or rule behind the write, in words: why a create, which field differences an update carried, the link it rests on.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.planned_run_id IS 'The Airflow run that planned the write.';
COMMENT ON COLUMN ledgerbridge_report.audit_trail.outbox_id IS 'The outbox row of the write (ledgerbridge.outbox.id).';

-- Aging on both sides, from the latest control totals of each pair.
CREATE VIEW ledgerbridge_report.aging AS
WITH latest AS (
    SELECT DISTINCT ON (pair) pair, run_id, checked_at
    FROM ledgerbridge.control_totals
    ORDER BY pair, checked_at DESC, run_id DESC
)
SELECT t.pair, t.kind, t.contact_label AS contact, t.contact = 'total' AS is_total,
       coalesce(max(t.xero_amount) FILTER (WHERE t.bucket = 'current'), 0) AS xero_current,
       coalesce(max(t.xero_amount) FILTER (WHERE t.bucket = '1-30'), 0) AS xero_1_30,
       coalesce(max(t.xero_amount) FILTER (WHERE t.bucket = '31-60'), 0) AS xero_31_60,
       coalesce(max(t.xero_amount) FILTER (WHERE t.bucket = '61-90'), 0) AS xero_61_90,
       coalesce(max(t.xero_amount) FILTER (WHERE t.bucket = '90+'), 0) AS xero_over_90,
       coalesce(max(t.xero_amount) FILTER (WHERE t.bucket = 'all'), 0) AS xero_total,
       coalesce(max(t.quickbooks_amount) FILTER (WHERE t.bucket = 'current'), 0) AS quickbooks_current,
       coalesce(max(t.quickbooks_amount) FILTER (WHERE t.bucket = '1-30'), 0) AS quickbooks_1_30,
       coalesce(max(t.quickbooks_amount) FILTER (WHERE t.bucket = '31-60'), 0) AS quickbooks_31_60,
       coalesce(max(t.quickbooks_amount) FILTER (WHERE t.bucket = '61-90'), 0) AS quickbooks_61_90,
       coalesce(max(t.quickbooks_amount) FILTER (WHERE t.bucket = '90+'), 0) AS quickbooks_over_90,
       coalesce(max(t.quickbooks_amount) FILTER (WHERE t.bucket = 'all'), 0) AS quickbooks_total,
       max(t.difference) FILTER (WHERE t.bucket = 'all') AS difference,
       t.run_id, max(t.checked_at) AS checked_at
FROM ledgerbridge.control_totals t
JOIN latest USING (pair, run_id)
GROUP BY t.pair, t.kind, t.contact, t.contact_label, t.run_id;

COMMENT ON VIEW ledgerbridge_report.aging IS
    'Receivables and payables per contact on both sides, in aging buckets by days past due, from each pair''s latest control totals (a row "total" per kind).';
COMMENT ON COLUMN ledgerbridge_report.aging.pair IS 'The company pair.';
COMMENT ON COLUMN ledgerbridge_report.aging.kind IS 'receivable (owed to the company) or payable (owed by it).';
COMMENT ON COLUMN ledgerbridge_report.aging.contact IS 'The customer or supplier (or "total").';
COMMENT ON COLUMN ledgerbridge_report.aging.is_total IS 'True on the row of all contacts together.';
COMMENT ON COLUMN ledgerbridge_report.aging.xero_current IS 'Owed in Xero, not yet due.';
COMMENT ON COLUMN ledgerbridge_report.aging.xero_1_30 IS 'Owed in Xero, 1 to 30 days past due.';
COMMENT ON COLUMN ledgerbridge_report.aging.xero_31_60 IS 'Owed in Xero, 31 to 60 days past due.';
COMMENT ON COLUMN ledgerbridge_report.aging.xero_61_90 IS 'Owed in Xero, 61 to 90 days past due.';
COMMENT ON COLUMN ledgerbridge_report.aging.xero_over_90 IS 'Owed in Xero, more than 90 days past due.';
COMMENT ON COLUMN ledgerbridge_report.aging.xero_total IS 'Owed in Xero, in all.';
COMMENT ON COLUMN ledgerbridge_report.aging.quickbooks_current IS 'Owed in QuickBooks, not yet due.';
COMMENT ON COLUMN ledgerbridge_report.aging.quickbooks_1_30 IS 'Owed in QuickBooks, 1 to 30 days past due.';
COMMENT ON COLUMN ledgerbridge_report.aging.quickbooks_31_60 IS 'Owed in QuickBooks, 31 to 60 days past due.';
COMMENT ON COLUMN ledgerbridge_report.aging.quickbooks_61_90 IS 'Owed in QuickBooks, 61 to 90 days past due.';
COMMENT ON COLUMN ledgerbridge_report.aging.quickbooks_over_90 IS 'Owed in QuickBooks, more than 90 days past due.';
COMMENT ON COLUMN ledgerbridge_report.aging.quickbooks_total IS 'Owed in QuickBooks, in all.';
COMMENT ON COLUMN ledgerbridge_report.aging.difference IS 'Xero''s total minus QuickBooks''.';
COMMENT ON COLUMN ledgerbridge_report.aging.run_id IS 'The control_totals run the figures come from.';
COMMENT ON COLUMN ledgerbridge_report.aging.checked_at IS 'When they were computed.';

-- Last night's writes: the audit trail of each pair's latest 24 hours of writing.
CREATE VIEW ledgerbridge_report.last_night_writes AS
SELECT t.*
FROM ledgerbridge_report.audit_trail t
JOIN (SELECT pair, max(at) AS last_at FROM ledgerbridge.audit_log GROUP BY pair) w
  ON w.pair = t.pair AND t.at > w.last_at - interval '24 hours';

COMMENT ON VIEW ledgerbridge_report.last_night_writes IS
    'The audit trail of each pair''s last night: every write in the 24 hours up to the pair''s latest write.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.id IS 'As in audit_trail.id.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.at IS 'As in audit_trail.at.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.run_id IS 'As in audit_trail.run_id.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.dag_id IS 'As in audit_trail.dag_id.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.try_number IS 'As in audit_trail.try_number.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.pair IS 'As in audit_trail.pair.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.entity IS 'As in audit_trail.entity.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.ledger IS 'As in audit_trail.ledger.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.operation IS 'As in audit_trail.operation.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.outcome IS 'As in audit_trail.outcome.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.source_ledger IS 'As in audit_trail.source_ledger.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.source_id IS 'As in audit_trail.source_id.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.source_label IS 'As in audit_trail.source_label.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.target_id IS 'As in audit_trail.target_id.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.target_label IS 'As in audit_trail.target_label.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.payload_hash IS 'As in audit_trail.payload_hash.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.idempotency_key IS 'As in audit_trail.idempotency_key.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.answer_error IS 'As in audit_trail.answer_error.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.answer IS 'As in audit_trail.answer.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.basis IS 'As in audit_trail.basis.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.planned_run_id IS 'As in audit_trail.planned_run_id.';
COMMENT ON COLUMN ledgerbridge_report.last_night_writes.outbox_id IS 'As in audit_trail.outbox_id.';

-- The queue's history: how many records waited, per reason, when each control_totals run finished.
CREATE VIEW ledgerbridge_report.queue_trend AS
WITH runs AS (
    SELECT pair, run_id, max(checked_at) AS at
    FROM ledgerbridge.control_totals
    GROUP BY pair, run_id
)
SELECT r.pair, r.run_id, r.at, e.reason, count(*) AS open
FROM runs r
JOIN ledgerbridge.exceptions e
  ON e.pair = r.pair AND e.created_at <= r.at AND (e.resolved_at IS NULL OR e.resolved_at > r.at)
GROUP BY r.pair, r.run_id, r.at, e.reason;

COMMENT ON VIEW ledgerbridge_report.queue_trend IS
    'How many records waited in the queue, per reason, at the end of each control_totals run (one per night).';
COMMENT ON COLUMN ledgerbridge_report.queue_trend.pair IS 'The company pair.';
COMMENT ON COLUMN ledgerbridge_report.queue_trend.run_id IS 'The control_totals run.';
COMMENT ON COLUMN ledgerbridge_report.queue_trend.at IS 'When that run finished comparing.';
COMMENT ON COLUMN ledgerbridge_report.queue_trend.reason IS 'The queue reason.';
COMMENT ON COLUMN ledgerbridge_report.queue_trend.open IS 'How many exceptions with that reason were open then.';
