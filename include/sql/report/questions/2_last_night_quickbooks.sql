-- What did last night write to QuickBooks?
SELECT at, entity, operation, outcome, source_label, target_id, basis
FROM ledgerbridge_report.last_night_writes
WHERE pair = 'harbour' AND ledger = 'quickbooks' AND outcome <> 'sent'
ORDER BY at, id;
