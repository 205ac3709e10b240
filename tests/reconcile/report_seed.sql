-- A small hand-written pair "p" whose every row is chosen so the report views' answers are known.
INSERT INTO ledgerbridge.stg_xero_contacts (pair, ledger_id, name, currency, active, raw) VALUES
    ('p', 'xc1', 'Acme Ltd', 'GBP', true, '{}'), ('p', 'xc2', 'Tidewater Marine Services Ltd', 'GBP', true, '{}');
INSERT INTO ledgerbridge.stg_quickbooks_contacts (pair, ledger_id, name, currency, active, raw) VALUES
    ('p', '1', 'Acme Limited', 'GBP', true, '{}'),
    ('p', '2', 'Tidewater Marine Services (South West) Ltd', 'GBP', true, '{}');
INSERT INTO ledgerbridge.stg_xero_invoices (pair, ledger_id, kind, number, contact_id, date, due_date, currency,
                                            total, amount_due, status, raw) VALUES
    ('p', 'x1', 'sales', 'INV-1', 'xc1', '2026-01-05', '2026-02-04', 'GBP', 100.00, 100.00, 'authorised', '{}'),
    ('p', 'x2', 'sales', 'INV-2', 'xc1', '2026-01-06', '2026-02-05', 'GBP', 250.00, 250.00, 'authorised', '{}'),
    ('p', 'x3', 'sales', 'INV-3', 'xc2', '2026-01-07', '2026-02-06', 'GBP', 900.00, 900.00, 'authorised', '{}'),
    ('p', 'x4', 'sales', 'INV-4', 'xc1', '2026-01-08', '2026-02-07', 'GBP', 40.00, 40.00, 'draft', '{}'),
    ('p', 'x5', 'sales', 'INV-5', 'xc1', '2026-01-09', '2026-02-08', 'GBP', 70.00, 70.00, 'authorised', '{}');
INSERT INTO ledgerbridge.stg_quickbooks_invoices (pair, ledger_id, kind, number, contact_id, date, due_date, currency,
                                                  total, amount_due, status, raw) VALUES
    ('p', '11', 'sales', 'INV-1', '1', '2026-01-05', '2026-02-04', 'GBP', 100.00, 90.00, 'authorised', '{}'),
    ('p', '12', 'sales', '1007', '1', '2026-01-10', '2026-02-09', 'GBP', 30.00, 30.00, 'authorised', '{}'),
    ('p', '15', 'sales', 'INV-5', '1', '2026-01-09', '2026-02-08', 'GBP', 70.00, 70.00, 'authorised', '{}');
INSERT INTO ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method, rule, score, weight, evidence,
                               linked_run_id) VALUES
    ('p', 'contacts', 'xc1', '1', 'matched', 'evidence-1', 1.000, 19.50,
     '[{"field": "name", "level": "legal_form", "weight": 9.5, "says": "The same name apart from the legal form."},
       {"field": "email", "level": "exact", "weight": 10.0, "says": "Same e-mail address."}]', 'run-1'),
    ('p', 'invoices', 'x1', '11', 'matched', 'evidence-1', 0.999, 14.00, '[]', 'run-1'),
    ('p', 'invoices', 'x5', '15', 'created', NULL, NULL, NULL, NULL, 'run-1');
INSERT INTO ledgerbridge.exceptions (pair, entity, ledger, record_id, record_label, reason, message, candidates,
                                     first_run_id, last_run_id, created_at) VALUES
    ('p', 'invoices', 'xero', 'x3', 'INV-3', 'possible_match', 'INV-3 may be QuickBooks 2: a person decides.',
     '{"candidates": [{"n": 1, "label": "Tidewater Marine Services (South West) Ltd", "score": 23.25,
                       "why": "never linked automatically while name: south west is in one name only"}]}',
     'run-1', 'run-2', now() - interval '3 days'),
    ('p', 'contacts', 'xero', 'xc2', 'Tidewater Marine Services Ltd', 'possible_match',
     'Tidewater Marine Services Ltd may be QuickBooks 2 (Tidewater Marine Services (South West) Ltd).',
     '{"candidates": [{"n": 1, "label": "Tidewater Marine Services (South West) Ltd", "score": 23.25,
                       "why": "Evidence +23.2 bits, but never linked automatically while name: south west is in one name only."}]}',
     'run-1', 'run-2', now() - interval '3 days');
INSERT INTO ledgerbridge.exceptions (pair, entity, ledger, record_id, reason, message, status, created_at,
                                     resolved_at) VALUES
    ('p', 'invoices', 'xero', 'x9', 'conflict', 'an old conflict, settled', 'resolved', now() - interval '3 days',
     now() - interval '30 hours');
INSERT INTO ledgerbridge.outbox (id, pair, entity, ledger, operation, source_ledger, source_id, target_id, label,
                                 payload, payload_hash, idempotency_key, status, result_id, planned_run_id,
                                 sent_run_id) VALUES
    (1, 'p', 'invoices', 'quickbooks', 'create', 'xero', 'x2', NULL, 'INV-2', '{}', 'h2', 'k2', 'pending', NULL,
     'run-2', NULL),
    (2, 'p', 'invoices', 'quickbooks', 'create', 'xero', 'x5', NULL, 'INV-5', '{}', 'h5', 'k5', 'applied', '15',
     'run-1', 'run-1'),
    (3, 'p', 'invoices', 'quickbooks', 'update', 'xero', 'x1', '11', 'INV-1', '{}', 'h1', 'k1', 'applied', '11',
     'run-2', 'run-2');
INSERT INTO ledgerbridge.differences (run_id, pair, entity, xero_id, quickbooks_id, field, xero_value,
                                      quickbooks_value, resolution) VALUES
    ('run-2', 'p', 'invoices', 'x1', '11', 'reference', 'PO 7', 'PO7', 'to_quickbooks');
INSERT INTO ledgerbridge.audit_log (at, run_id, try_number, pair, entity, ledger, operation, outbox_id, record_id,
                                    payload_hash, idempotency_key, outcome, answer) VALUES
    (now() - interval '3 days', 'run-1', 1, 'p', 'invoices', 'quickbooks', 'create', 2, '15', 'h5', 'k5',
     'applied', '{"Id": "15"}'),
    (now() - interval '2 hours', 'run-2', 1, 'p', 'invoices', 'quickbooks', 'update', 3, '11', 'h1', 'k1',
     'failed', '{"error": "Stale object: SyncToken"}'),
    (now() - interval '1 hour', 'run-2', 2, 'p', 'invoices', 'quickbooks', 'update', 3, '11', 'h1', 'k1',
     'applied', '{"Id": "11"}');
INSERT INTO ledgerbridge.run_summary (run_id, dag_id, pair, entity, ledger) VALUES
    ('run-2', 'sync_invoices', 'p', 'invoices', 'quickbooks');
INSERT INTO ledgerbridge.control_totals (run_id, pair, kind, contact, contact_label, bucket, xero_amount,
                                         quickbooks_amount, difference, checked_at) VALUES
    ('ct-1', 'p', 'receivable', 'total', 'total', 'all', 1000, 1000, 0, now() - interval '2 days'),
    ('ct-2', 'p', 'receivable', 'total', 'total', 'all', 1360, 190, 1170, now() - interval '50 minutes'),
    ('ct-2', 'p', 'receivable', 'total', 'total', 'current', 1000, 190, 810, now() - interval '50 minutes'),
    ('ct-2', 'p', 'receivable', 'total', 'total', '90+', 360, 0, 360, now() - interval '50 minutes'),
    ('ct-2', 'p', 'receivable', 'xc1|1', 'Acme Ltd', 'all', 460, 190, 270, now() - interval '50 minutes'),
    ('ct-2', 'p', 'receivable', 'xc1|1', 'Acme Ltd', 'current', 460, 190, 270, now() - interval '50 minutes');
-- issue 8's decisions: a pending link on INV-3's exception, and a QuickBooks invoice a person ignored
INSERT INTO ledgerbridge.stg_quickbooks_invoices (pair, ledger_id, kind, number, contact_id, date, due_date, currency,
                                                  total, amount_due, status, raw) VALUES
    ('p', '16', 'sales', 'INV-16', '1', '2026-01-11', '2026-02-10', 'GBP', 12.00, 12.00, 'authorised', '{}');
INSERT INTO ledgerbridge.decisions (exception_id, pair, entity, ledger, record_id, reason, decision, candidate,
                                    decided_by)
SELECT id, pair, entity, ledger, record_id, reason, 'link', 1, 'alice'
FROM ledgerbridge.exceptions WHERE pair = 'p' AND record_id = 'x3';
INSERT INTO ledgerbridge.ignored_records (pair, entity, ledger, record_id, record_label, reason, ignored_by) VALUES
    ('p', 'invoices', 'quickbooks', '16', 'INV-16', 'one_sided', 'bob');
