-- One exception, for deciding on it: its reason, record and candidates, and the record's staged version.
SELECT e.id, e.pair, e.entity, e.ledger, e.record_id, e.record_label, e.reason, e.field, e.message, e.candidates,
       e.status, e.created_at, e.updated_at
FROM ledgerbridge.exceptions e
WHERE e.id = %(exception_id)s;
