-- What each ledger's side of the entity has waiting in the exception queue at the end of the run.
UPDATE ledgerbridge.run_summary s
SET exceptions = (SELECT count(*) FROM ledgerbridge.exceptions e
                  WHERE e.pair = s.pair AND e.entity = s.entity AND e.ledger = s.ledger AND e.status = 'open'),
    updated_at = now()
WHERE s.run_id = %(run_id)s AND s.pair = %(pair)s AND s.entity = %(entity)s;
