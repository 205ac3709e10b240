-- A validated decision; the partial unique index refuses a second pending decision on one exception.
INSERT INTO ledgerbridge.decisions
    (exception_id, pair, entity, ledger, record_id, reason, decision, candidate, other_id, side, fields,
     record_version, decided_by, note, via)
VALUES (%(exception_id)s, %(pair)s, %(entity)s, %(ledger)s, %(record_id)s, %(reason)s, %(decision)s, %(candidate)s,
        %(other_id)s, %(side)s, %(fields)s, %(record_version)s, %(decided_by)s, %(note)s, %(via)s)
RETURNING id;
