INSERT INTO ledgerbridge.dq_results
    (run_id, pair, entity, ledger, expectation, column_name, success, checked_rows, unexpected_count,
     unexpected_records, details)
VALUES (%(run_id)s, %(pair)s, %(entity)s, %(ledger)s, %(expectation)s, %(column)s, %(success)s, %(checked)s,
        %(unexpected)s, %(records)s, %(details)s);
