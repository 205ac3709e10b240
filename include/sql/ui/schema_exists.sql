SELECT to_regclass('ledgerbridge.run_summary') IS NOT NULL AND to_regclass('ledgerbridge.exceptions') IS NOT NULL
    AS ready;
